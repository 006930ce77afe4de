/** The UI's only way to the server: the typed SDK clients over the same route tables as the server. */
import { createMlflowClient } from "../../../src/sdk/mlflow-client";
import { createPlatformClient } from "../../../src/sdk/platform-client";

const baseUrl = window.location.origin + window.location.pathname.replace(/\/[^/]*$/, "");

/** MLflow REST API (`/api/2.0/mlflow/...`). */
export const mlflow = createMlflowClient({ baseUrl });
/** Modelworks platform API (`/api/modelworks/v1/...`). */
export const platform = createPlatformClient({ baseUrl });

/** GET a JSON document from a path under the server root (routes outside the typed tables). */
export async function getJson<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.append(k, String(v));
  const qs = q.toString();
  const res = await fetch(`${baseUrl}${path}${qs ? `?${qs}` : ""}`);
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // Not JSON: keep the text.
    }
    throw new Error(`${res.status}: ${message}`);
  }
  return JSON.parse(text) as T;
}

/** URL of a run artifact as the browser can load it (MLflow's `/get-artifact`). */
export function artifactUrl(runId: string, path: string): string {
  return `${baseUrl}/get-artifact?run_id=${encodeURIComponent(runId)}&path=${encodeURIComponent(path)}`;
}

/** Fetch a run artifact as text (previews). */
export async function artifactText(runId: string, path: string): Promise<string> {
  const res = await fetch(artifactUrl(runId, path));
  if (!res.ok) throw new Error(`${res.status}: ${await res.text()}`);
  return res.text();
}
