/** The UI's only way to the server: the typed SDK clients over the same route tables as the server. */

import { createAuthClient } from "../../../src/sdk/auth-client";
import { createMlflowClient, MlflowApiError } from "../../../src/sdk/mlflow-client";
import { createPlatformClient } from "../../../src/sdk/platform-client";
import { uiFetch } from "./session";

const baseUrl = window.location.origin + window.location.pathname.replace(/\/[^/]*$/, "");

/** MLflow REST API (`/api/2.0/mlflow/...`). */
export const mlflow = createMlflowClient({ baseUrl, fetch: uiFetch });
/** Modelworks platform API (`/api/modelworks/v1/...`). */
export const platform = createPlatformClient({ baseUrl, fetch: uiFetch });

/** Users, tokens, grants and the audit log (MLflow's auth API and the platform's). */
export const access = createAuthClient({ baseUrl, fetch: uiFetch });

/** HTTP status of a failed SDK call (e.g. 404 for a route or resource the server lacks); undefined otherwise. */
export function httpStatusOf(e: unknown): number | undefined {
  return e instanceof MlflowApiError ? e.httpStatus : undefined;
}

/** URL of a run artifact as the browser can load it (MLflow's `/get-artifact`). */
export function artifactUrl(runId: string, path: string): string {
  return `${baseUrl}/get-artifact?run_id=${encodeURIComponent(runId)}&path=${encodeURIComponent(path)}`;
}

/** Fetch a run artifact as text (previews). */
export async function artifactText(runId: string, path: string): Promise<string> {
  const res = await uiFetch(artifactUrl(runId, path));
  if (!res.ok) throw new Error(`${res.status}: ${await res.text()}`);
  return res.text();
}

/**
 * URL of a file under an `mlflow-artifacts:/` location (a logged model's files), through the
 * server's artifact proxy; undefined for a location outside it.
 */
export function proxiedArtifactUrl(location: string, path: string): string | undefined {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/+(.*)$/.exec(location);
  if (!m) return undefined;
  const parts = [...(m[1] ?? "").split("/"), ...path.split("/")].filter((p) => p !== "");
  return `${baseUrl}/api/2.0/mlflow-artifacts/artifacts/${parts.map(encodeURIComponent).join("/")}`;
}
