/**
 * A typed client for the Modelworks platform API (`/api/modelworks/v1`), built from the same route
 * table as the server. Routes that take a file accept it as a raw body, streamed.
 */
import type { DeploymentRouteName, PlatformRouteName, PlatformRoutes } from "../core/api/platform-routes.js";
import { fillPath, platformRoutes } from "../core/api/platform-routes.js";
import type { RequestOf, ResponseOf } from "../core/api/route.js";
import type { StreamedFile } from "../core/api/streamed-file.js";
import { readResponse, toQuery } from "./mlflow-client.js";

/** Bytes to upload: a buffer, text, or a stream (e.g. `fs.createReadStream`). */
export type UploadBody = Uint8Array | string | AsyncIterable<Uint8Array>;

/** One method per route; `body` uploads raw bytes (other fields then travel in the query). */
export type PlatformApi = {
  [N in PlatformRouteName]: (
    req: RequestOf<PlatformRoutes[N]>,
    body?: UploadBody,
  ) => Promise<ResponseOf<PlatformRoutes[N]>>;
};

/**
 * The deployment methods: `listDeployments`, `createDeployment`, `getDeployment` (with its 20 latest
 * events), `updateDeployment` (`null` removes candidate, routing_key or description),
 * `deleteDeployment`, `listDeploymentEvents`.
 */
export type DeploymentApi = Pick<PlatformApi, DeploymentRouteName>;

export interface PlatformClientOptions {
  /** Server URL, e.g. `http://127.0.0.1:5000` (a path prefix is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer ...` when set. */
  token?: string;
  fetch?: typeof fetch;
}

/** Create a client for a Modelworks server. */
export function createPlatformClient(options: PlatformClientOptions): PlatformApi {
  const base = `${options.baseUrl.replace(/\/+$/, "")}/api/modelworks/v1`;
  const doFetch = options.fetch ?? fetch;
  const auth: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  const api: Record<string, (req: Record<string, unknown>, body?: UploadBody) => Promise<unknown>> = {};
  for (const name of Object.keys(platformRoutes) as PlatformRouteName[]) {
    const def = platformRoutes[name];
    const method = def.methods[0] as string;
    api[name] = async (req, body) => {
      const { path, used } = fillPath(def.path, req);
      const rest = Object.fromEntries(Object.entries(req).filter(([k]) => !used.has(k)));
      const inQuery = method === "GET" || body !== undefined;
      const query = inQuery ? toQuery(rest) : "";
      const init: RequestInit & { duplex?: "half" } = { method, headers: { ...auth } };
      if (body !== undefined) {
        init.headers = { ...auth, "Content-Type": "application/octet-stream" };
        init.body = body as unknown as RequestInit["body"];
        init.duplex = "half";
      } else if (!inQuery) {
        init.headers = { ...auth, "Content-Type": "application/json" };
        init.body = JSON.stringify(rest);
      }
      const res = await doFetch(`${base}${path}${query ? `?${query}` : ""}`, init);
      return res.ok && isAttachment(res) ? streamedFile(res) : readResponse(res);
    };
  }
  return api as unknown as PlatformApi;
}

function isAttachment(res: Response): boolean {
  return (res.headers.get("content-disposition") ?? "").startsWith("attachment");
}

/** A file answer (e.g. a log export) as the route's {@link StreamedFile}, its body streamed. */
function streamedFile(res: Response): StreamedFile {
  const name = /filename="([^"]*)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "download";
  const body = res.body;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (!body) return;
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) yield chunk;
  }
  return {
    content_type: res.headers.get("content-type") ?? "application/octet-stream",
    file_name: name,
    chunks: chunks(),
  };
}
