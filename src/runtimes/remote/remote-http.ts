/**
 * HTTP to one remote model endpoint: a keep-alive connection pool, one deadline per call (retries
 * included), and retries only where the request cannot have reached the model (the connection was
 * refused; for a GET, also a pooled connection the server had already closed). Every
 * new connection goes through the outbound guard's checked lookup, so a pooled socket was checked
 * when it was opened; redirects are never followed.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import { OutboundError, type OutboundGuard, pinnedLookup } from "../../core/http/outbound-request.js";

/** Why a call failed before a usable answer. */
export type RemoteFailureKind = "refused" | "unreachable" | "timeout" | "failed" | "too-large";

/** A failed call; the message names the host at most, never the URL or a header. */
export class RemoteFailure extends Error {
  constructor(
    readonly kind: RemoteFailureKind,
    message: string,
    /** The system error code (ECONNREFUSED, ECONNRESET, ...), when there is one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface RemoteHttpOptions {
  guard: OutboundGuard;
  /** The deadline of one call, retries included. */
  timeoutMs: number;
  /** Sent with every call (e.g. authorization); never logged. */
  headers?: Record<string, string>;
  /** Most open connections to the endpoint (default 32). */
  maxSockets?: number;
  /** Retries of a call the endpoint cannot have received (default 2). */
  retries?: number;
  /** Pause before retry n is n × this (default 50 ms). */
  retryDelayMs?: number;
  /** Largest answer read (default 64 MiB). */
  maxBytes?: number;
}

/** A call's answer: any status (redirects included, not followed) and the body as text. */
export interface RemoteAnswer {
  status: number;
  text: string;
}

/** Calls to one endpoint over a pool of kept-alive connections. */
export class RemoteHttp {
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;

  constructor(
    https: boolean,
    private readonly o: RemoteHttpOptions,
  ) {
    const maxSockets = o.maxSockets ?? 32;
    // Idle sockets close after 4 s, before the usual servers' keep-alive timeouts (5 s in Node and
    // uvicorn) close them under a request.
    const settings = {
      keepAlive: true,
      maxSockets,
      maxFreeSockets: maxSockets,
      scheduling: "lifo" as const,
      timeout: 4000,
    };
    this.agent = https ? new HttpsAgent(settings) : new HttpAgent(settings);
    this.send = https ? httpsRequest : httpRequest;
  }

  /** GET or POST `url` (JSON body); rejects with a {@link RemoteFailure}. */
  async call(method: "GET" | "POST", url: URL, body?: string): Promise<RemoteAnswer> {
    const deadline = Date.now() + this.o.timeoutMs;
    const retries = this.o.retries ?? 2;
    const delay = this.o.retryDelayMs ?? 50;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, url, body, deadline);
      } catch (e) {
        const failure = asFailure(e);
        const retryable = (failure as { retryable?: boolean }).retryable === true;
        if (!retryable || attempt >= retries || Date.now() + delay * (attempt + 1) >= deadline) throw failure;
        await sleep(delay * (attempt + 1));
      }
    }
  }

  /** Close every pooled connection. */
  close(): void {
    this.agent.destroy();
  }

  private once(method: "GET" | "POST", url: URL, body: string | undefined, deadline: number): Promise<RemoteAnswer> {
    return new Promise((resolve, reject) => {
      let done = false;
      let answered = false;
      const settle = (e: RemoteFailure | undefined, a?: RemoteAnswer) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (e) {
          req.destroy();
          reject(e);
        } else resolve(a as RemoteAnswer);
      };
      const wait = Math.max(1, deadline - Date.now());
      const timer = setTimeout(
        () => settle(new RemoteFailure("timeout", `no answer within ${this.o.timeoutMs} ms`)),
        Math.min(wait, 2 ** 31 - 1),
      );
      const req = this.send(this.options(method, url, body), (res: IncomingMessage) => {
        answered = true;
        this.read(res, (e, a) => settle(e, a));
      });
      req.on("error", (e: Error) => {
        const failure = asFailure(e);
        // Retried only when the model cannot have scored the batch: the connection was refused, or
        // (a GET only) a kept-alive socket the server had already closed failed.
        const code = failure.code;
        const stale = method === "GET" && req.reusedSocket && (code === "ECONNRESET" || code === "EPIPE");
        if (!answered && (code === "ECONNREFUSED" || stale)) Object.assign(failure, { retryable: true });
        settle(failure);
      });
      req.end(body);
    });
  }

  private options(method: string, url: URL, body: string | undefined): RequestOptions {
    const headers: Record<string, string> = { accept: "application/json", ...this.o.headers };
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    return {
      method,
      hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: url.port || (url.protocol === "https:" ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers,
      agent: this.agent,
      lookup: pinnedLookup(this.o.guard, url) as RequestOptions["lookup"],
    };
  }

  private read(res: IncomingMessage, done: (e: RemoteFailure | undefined, a?: RemoteAnswer) => void): void {
    const status = res.statusCode ?? 0;
    const max = this.o.maxBytes ?? 64 * 1024 * 1024;
    const chunks: Buffer[] = [];
    let size = 0;
    res.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) {
        res.destroy();
        done(new RemoteFailure("too-large", `the answer is larger than ${max} bytes`));
      } else chunks.push(c);
    });
    res.on("end", () => done(undefined, { status, text: Buffer.concat(chunks).toString("utf8") }));
    res.on("error", (e) => done(asFailure(e)));
    res.on("aborted", () => done(new RemoteFailure("failed", "the answer was cut off")));
  }
}

function asFailure(e: unknown): RemoteFailure {
  if (e instanceof RemoteFailure) return e;
  if (e instanceof OutboundError) return new RemoteFailure(e.kind === "refused" ? "refused" : "failed", e.message);
  const code = (e as { code?: unknown } | undefined)?.code;
  const c = typeof code === "string" ? code : undefined;
  const unreachable = c !== undefined && UNREACHABLE.has(c);
  return new RemoteFailure(
    unreachable ? "unreachable" : "failed",
    c ?? (e instanceof Error ? e.message : String(e)),
    c,
  );
}

const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
]);
