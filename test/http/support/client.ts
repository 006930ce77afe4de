/**
 * Raw HTTP the way the MLflow Python client sends it (JSON bodies on POST/PATCH/DELETE, query
 * strings with repeated keys on GET), over `app.inject()` or a real socket.
 */
import assert from "node:assert/strict";
import type { FastifyInstance } from "fastify";

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface HttpResponse<T = unknown> {
  status: number;
  contentType: string;
  raw: Buffer;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: T;
}

export type Transport = (req: HttpRequest) => Promise<HttpResponse>;

export function response(status: number, contentType: string | undefined, raw: Buffer): HttpResponse {
  const text = raw.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, contentType: contentType ?? "", raw, text, json };
}

export function injectTransport(app: FastifyInstance): Transport {
  return async (req) => {
    const res = await app.inject({
      method: req.method as "GET",
      url: req.url,
      headers: req.headers,
      ...(req.body === undefined ? {} : { payload: req.body }),
    });
    return response(res.statusCode, res.headers["content-type"] as string | undefined, res.rawPayload);
  };
}

/** Requests over HTTP; `authorization` is sent with each (a server with authentication on). */
export function fetchTransport(baseUrl: string, authorization?: string): Transport {
  return async (req) => {
    const headers = { ...req.headers, ...(authorization ? { authorization } : {}) };
    const res = await fetch(baseUrl + req.url, { method: req.method, headers, body: req.body });
    return response(res.status, res.headers.get("content-type") ?? undefined, Buffer.from(await res.arrayBuffer()));
  };
}

export type QueryValue = string | number | readonly (string | number)[] | undefined;

/** `requests`' `params=` encoding: lists become repeated keys, undefined is dropped. */
export function queryString(params: Record<string, QueryValue>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    for (const item of Array.isArray(v) ? v : [v]) q.append(k, String(item));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}

const JSON_HEADERS = { "content-type": "application/json" };

/** The REST calls of `mlflow.utils.rest_utils.call_endpoint`. */
export class Wire {
  constructor(
    readonly send: Transport,
    readonly prefix = "/api/2.0",
  ) {}

  get<T = unknown>(path: string, params: Record<string, QueryValue> = {}): Promise<HttpResponse<T>> {
    return this.send({ method: "GET", url: this.prefix + path + queryString(params) }) as Promise<HttpResponse<T>>;
  }

  call<T = unknown>(method: "POST" | "PATCH" | "DELETE", path: string, body: unknown): Promise<HttpResponse<T>> {
    const req = { method, url: this.prefix + path, headers: JSON_HEADERS, body: JSON.stringify(body) };
    return this.send(req) as Promise<HttpResponse<T>>;
  }

  post<T = unknown>(path: string, body: unknown): Promise<HttpResponse<T>> {
    return this.call<T>("POST", path, body);
  }

  /** A call that must succeed the way `verify_rest_response` demands; returns the body. */
  async ok<T = Record<string, unknown>>(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    fields: Record<string, unknown> = {},
  ): Promise<T> {
    const res =
      method === "GET"
        ? await this.get<T>(path, fields as Record<string, QueryValue>)
        : await this.call<T>(method, path, fields);
    return expectOk(res, `${method} ${path}`);
  }
}

/** Status exactly 200 and a JSON object body. */
export function expectOk<T>(res: HttpResponse<T>, what = "request"): T {
  assert.equal(res.status, 200, `${what}: ${res.status} ${res.text.slice(0, 500)}`);
  assert.match(res.contentType, /^application\/json/, `${what}: content type ${res.contentType}`);
  assert.ok(isObject(res.json), `${what}: body is not a JSON object: ${res.text.slice(0, 200)}`);
  return res.json;
}

/** An MLflow error: the status, `{error_code, message}` and optionally a message pattern. */
export function expectError(res: HttpResponse, status: number, code: string, message?: RegExp | string): string {
  const what = `${res.status} ${res.text.slice(0, 500)}`;
  assert.equal(res.status, status, what);
  assert.match(res.contentType, /^application\/json/, what);
  const body = res.json as { error_code?: unknown; message?: unknown };
  assert.ok(isObject(body), what);
  assert.equal(body.error_code, code, what);
  assert.equal(typeof body.message, "string", what);
  if (typeof message === "string") assert.equal(body.message, message, what);
  else if (message) assert.match(body.message as string, message, what);
  return body.message as string;
}

/** Any 4xx with an MLflow error body (for inputs whose exact code is a judgement call). */
export function expectClientError(res: HttpResponse, what = "request"): void {
  const detail = `${what}: ${res.status} ${res.text.slice(0, 300)}`;
  assert.ok(res.status >= 400 && res.status < 500, detail);
  const body = res.json as { error_code?: unknown; message?: unknown };
  assert.ok(isObject(body) && typeof body.error_code === "string" && typeof body.message === "string", detail);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
