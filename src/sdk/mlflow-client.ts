/**
 * A typed client for the MLflow REST API, built from the same route table as the server, so the
 * two cannot drift. Works against Modelworks and against MLflow itself.
 */

import { toWireDouble } from "../core/api/mlflow-entities.js";
import type { MlflowRouteName, MlflowRoutes } from "../core/api/mlflow-routes.js";
import { mlflowRoutes } from "../core/api/mlflow-routes.js";
import { fillPath } from "../core/api/platform-routes.js";
import type { RequestOf, ResponseOf } from "../core/api/route.js";
import type { ErrorCode } from "../core/errors.js";
import { ERROR_CODES, MwError } from "../core/errors.js";

/** One method per route: request object in, response object out. */
export type MlflowApi = {
  [N in MlflowRouteName]: (req: RequestOf<MlflowRoutes[N]>) => Promise<ResponseOf<MlflowRoutes[N]>>;
};

export interface MlflowClientOptions {
  /** Tracking URI, e.g. `http://127.0.0.1:5000` (a path prefix is kept). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer ...` when set. */
  token?: string;
  fetch?: typeof fetch;
}

/** An error answered by the server, with its MLflow error code and HTTP status. */
export class MlflowApiError extends MwError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly httpStatus: number,
  ) {
    super(code, message);
  }
}

/** Create a client for a tracking server. */
export function createMlflowClient(options: MlflowClientOptions): MlflowApi {
  const base = `${options.baseUrl.replace(/\/+$/, "")}/api/2.0`;
  const doFetch = options.fetch ?? fetch;
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const api: Record<string, (req: Record<string, unknown>) => Promise<unknown>> = {};
  for (const name of Object.keys(mlflowRoutes) as MlflowRouteName[]) {
    const def = mlflowRoutes[name];
    const method = def.methods[0] as string;
    api[name] = async (req) => {
      // MLflow 3's routes name the logged model in the path; its client sends it in the body too.
      const { path } = fillPath(def.path, req);
      const url = method === "GET" ? `${base}${path}?${toQuery(req)}` : `${base}${path}`;
      const res = await doFetch(url, {
        method,
        headers,
        body: method === "GET" ? undefined : JSON.stringify(req, protoJsonNumbers),
      });
      return readResponse(res);
    };
  }
  return api as unknown as MlflowApi;
}

/** JSON has no NaN or Infinity; protobuf JSON spells them as strings, which the server reads back. */
function protoJsonNumbers(_key: string, v: unknown): unknown {
  return typeof v === "number" && !Number.isFinite(v) ? toWireDouble(v) : v;
}

/** Repeated keys for arrays, as MLflow's client sends them. */
export function toQuery(req: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(req)) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) q.append(k, String(item));
  }
  return q.toString();
}

/** Parse a response body, throwing {@link MlflowApiError} for error answers. */
export async function readResponse(res: Response): Promise<unknown> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = undefined;
  }
  if (res.status === 200 && typeof body === "object" && body !== null) return body;
  const err = (body ?? {}) as { error_code?: string; message?: string };
  const code = (ERROR_CODES as readonly string[]).includes(err.error_code ?? "")
    ? (err.error_code as ErrorCode)
    : res.status >= 500
      ? "INTERNAL_ERROR"
      : "BAD_REQUEST";
  throw new MlflowApiError(code, err.message ?? `HTTP ${res.status}: ${text.slice(0, 200)}`, res.status);
}
