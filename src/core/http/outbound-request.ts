/**
 * One HTTP request to a URL someone configured (a webhook, a notification, Prometheus). A guard
 * decides which URLs may be called and which addresses their hosts may resolve to; the connection
 * goes to an address the guard checked (resolved once, in the socket's own lookup, so a second DNS
 * answer cannot swap in another host), and redirects are never followed.
 */
import type { LookupAddress, LookupOptions } from "node:dns";
import type { IncomingMessage, RequestOptions } from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** Which outbound URLs may be called (implemented by the admin's outbound policy). */
export interface OutboundGuard {
  /** Why `url` may not be called, or undefined; no DNS. Messages name the host, never the whole URL. */
  check(url: string): string | undefined;
  /** The addresses `url`'s host may be reached at, resolved now and checked; rejects naming the host. */
  resolve(url: URL): Promise<LookupAddress[]>;
}

/** Why a request failed: refused by the guard, out of time, or the network/server. */
export class OutboundError extends Error {
  constructor(
    readonly kind: "refused" | "timeout" | "failed",
    message: string,
    /** The HTTP status, when an answer had started. */
    readonly status?: number,
    /** The system error code of a network failure (ECONNREFUSED, ENOTFOUND, ...). */
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface OutboundRequest {
  method: "GET" | "POST";
  url: string;
  guard: OutboundGuard;
  /** Covers resolving, connecting, the answer and reading its body. */
  timeoutMs: number;
  /** Most response-body bytes read; the rest is not downloaded. */
  maxBytes: number;
  headers?: Record<string, string>;
  body?: string;
  /** Tests only: answer with this fetch instead of connecting (the URL is still checked, DNS is not). */
  fetch?: typeof fetch;
}

export interface OutboundResponse {
  status: number;
  /** Up to `maxBytes` of the body; empty for a redirect, which is not followed. */
  text: string;
}

/** True for a 3xx answer (reported, never followed). */
export function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

/** Send the request; rejects with an {@link OutboundError} whose message never holds the URL. */
export async function outboundRequest(o: OutboundRequest): Promise<OutboundResponse> {
  const problem = o.guard.check(o.url);
  if (problem) throw new OutboundError("refused", problem);
  return o.fetch ? viaFetch(o, o.fetch) : viaNode(o, new URL(o.url));
}

function viaNode(o: OutboundRequest, url: URL): Promise<OutboundResponse> {
  return new Promise((resolve, reject) => {
    let status: number | undefined;
    let done = false;
    const settle = (e: OutboundError | undefined, r?: OutboundResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      if (e) reject(e);
      else resolve(r as OutboundResponse);
    };
    // setTimeout fires at once for delays beyond 2^31 − 1 ms.
    const timer = setTimeout(
      () => settle(new OutboundError("timeout", `timed out after ${o.timeoutMs} ms`, status)),
      Math.min(o.timeoutMs, 2 ** 31 - 1),
    );
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(nodeOptions(o, url), (res: IncomingMessage) => {
      status = res.statusCode ?? 0;
      const answered = status;
      if (isRedirect(answered)) {
        settle(undefined, { status: answered, text: "" });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const text = () => Buffer.concat(chunks).subarray(0, o.maxBytes).toString("utf8");
      res.on("data", (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        if (size >= o.maxBytes) settle(undefined, { status: answered, text: text() });
      });
      res.on("end", () => settle(undefined, { status: answered, text: text() }));
      res.on("error", (e) => settle(failure(e, answered)));
    });
    req.on("error", (e) => settle(failure(e, status)));
    req.end(o.body);
  });
}

function nodeOptions(o: OutboundRequest, url: URL): RequestOptions {
  const headers: Record<string, string> = { ...o.headers };
  if (o.body !== undefined) headers["content-length"] = String(Buffer.byteLength(o.body));
  const options: RequestOptions = {
    method: o.method,
    hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port || (url.protocol === "https:" ? 443 : 80),
    path: `${url.pathname}${url.search}`,
    headers,
    // A fresh connection each time: a pooled socket would skip the checked lookup.
    agent: false,
    lookup: pinnedLookup(o.guard, url) as RequestOptions["lookup"],
  };
  // `https://user:pw@host/` means basic authentication, as curl reads it.
  if (url.username !== "" || url.password !== "") {
    options.auth = `${decodeSafe(url.username)}:${decodeSafe(url.password)}`;
  }
  return options;
}

type LookupCallback = (err: Error | null, address?: string | LookupAddress[], family?: number) => void;

/** The socket's DNS lookup: the guard resolves and checks, and only checked addresses are connected to. */
export function pinnedLookup(guard: OutboundGuard, url: URL) {
  return (_hostname: string, options: LookupOptions, callback: LookupCallback) => {
    guard.resolve(url).then(
      (all) => {
        const list =
          options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        const first = list[0];
        if (!first) callback(new OutboundError("refused", `${url.hostname} resolves to no usable address`));
        else if (options.all) callback(null, list);
        else callback(null, first.address, first.family);
      },
      (e: unknown) => callback(e instanceof OutboundError ? e : new OutboundError("refused", String(e))),
    );
  };
}

async function viaFetch(o: OutboundRequest, fetchImpl: typeof fetch): Promise<OutboundResponse> {
  const controller = new AbortController();
  let timedOut = false;
  let status: number | undefined;
  const timer = setTimeout(
    () => {
      timedOut = true;
      controller.abort();
    },
    Math.min(o.timeoutMs, 2 ** 31 - 1),
  );
  try {
    const res = await fetchImpl(o.url, {
      method: o.method,
      redirect: "manual",
      signal: controller.signal,
      ...(o.headers ? { headers: o.headers } : {}),
      ...(o.body !== undefined ? { body: o.body } : {}),
    });
    status = res.status;
    if (isRedirect(status)) {
      await res.body?.cancel().catch(() => {});
      return { status, text: "" };
    }
    return { status, text: await readCapped(res.body, o.maxBytes) };
  } catch (e) {
    if (timedOut) throw new OutboundError("timeout", `timed out after ${o.timeoutMs} ms`, status);
    throw new OutboundError("failed", fetchReason(e), status, errorCode((e as { cause?: unknown })?.cause));
  } finally {
    clearTimeout(timer);
  }
}

/** Up to `max` bytes of a body as text; the rest is cancelled, not downloaded. */
async function readCapped(body: ReadableStream<Uint8Array> | null, max: number): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (size >= max) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  return Buffer.concat(chunks).subarray(0, max).toString("utf8");
}

/** fetch wraps network errors ("fetch failed"); the cause says what happened (ECONNREFUSED, DNS). */
function fetchReason(e: unknown): string {
  const cause = (e as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof Error) return cause.message;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === "string") return code;
  return e instanceof Error ? e.message : String(e);
}

function failure(e: unknown, status: number | undefined): OutboundError {
  if (e instanceof OutboundError) return e;
  return new OutboundError("failed", e instanceof Error ? e.message : String(e), status, errorCode(e));
}

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
