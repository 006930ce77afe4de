/**
 * `POST /invocations` straight on node:http, in front of the Fastify app. Scoring is the hot path:
 * Fastify's request and reply objects, hook chain and content-type parsing cost about as much as
 * scoring one row. This handler takes the common case — a deployment that is ready, a declared
 * body length within the limit — and answers it with the same functions the Fastify route uses
 * (`invoke`, the same headers, the same error bodies, the same after-response work). Everything
 * else (other paths, chunked or oversized bodies, query strings) goes to Fastify untouched.
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { FastifyError, FastifyServerFactory } from "fastify";
import type { Clock } from "../core/clock.js";
import { isValidDeploymentName } from "./deployments/deployment.js";
import type { ServingMetrics } from "./metrics/serving-metrics.js";
import type { PredictionLogger } from "./prediction-log/prediction-logger.js";
import { checkScoringContentType } from "./protocols/mlflow/index.js";
import type { DeploymentRuntime } from "./runtime/deployment-runtime.js";
import { afterResponse } from "./scoring/after-response.js";
import { injectedDelayMs } from "./scoring/injected-delay.js";
import type { InvocationAnswer } from "./scoring/invocation.js";
import { invoke } from "./scoring/invocation.js";
import { answerHeaders, begin, header } from "./scoring/request-scoring.js";
import { servingErrorAnswer, traceServerError } from "./serving-errors.js";
import type { ServingTargets } from "./serving-targets.js";

export interface DirectInvocationsOptions {
  targets: ServingTargets;
  metrics: ServingMetrics;
  logger?: PredictionLogger;
  clock: Clock;
  random?: () => number;
  bodyLimit?: number;
  maxRows?: number;
  layout: "single" | "multi";
  /**
   * True when the caller may be answered here (a token seen lately with predict permission);
   * otherwise the request goes to the app, which authenticates it fully. Absent: no checks.
   */
  authorize?: (req: IncomingMessage, deployment: string | undefined) => boolean;
  /** Gets one line per 5xx (request id, route, code, cause); it must redact secrets. */
  log?: (line: string) => void;
}

/** A request handler that answers `true` when it took the request, `false` to pass it on. */
export type DirectHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const JSON_TYPE = "application/json; charset=utf-8";
const PREFIX = "/deployments/";
const SUFFIX = "/invocations";

/** The direct `/invocations` handler for a serving layout (defaults as in `servingRoutes`). */
export function directInvocations(opts: DirectInvocationsOptions): DirectHandler {
  const random = opts.random ?? Math.random;
  const maxRows = opts.maxRows ?? 10_000;
  const bodyLimit = opts.bodyLimit ?? 5 * 1024 * 1024;
  const after = { metrics: opts.metrics, random, ...(opts.logger ? { logger: opts.logger } : {}) };
  const scoring = { clock: opts.clock, metrics: opts.metrics };
  const answers = new AnswerBatch();

  const runtimeFor = (url: string | undefined): DeploymentRuntime | undefined => {
    if (url === undefined) return undefined;
    if (opts.layout === "single") return url === SUFFIX ? opts.targets.byDeployment(undefined) : undefined;
    if (!url.startsWith(PREFIX) || !url.endsWith(SUFFIX)) return undefined;
    const name = url.slice(PREFIX.length, -SUFFIX.length);
    // Anything that is not a valid name as it stands (encoded, nested) is Fastify's to route.
    return isValidDeploymentName(name) ? opts.targets.byDeployment(name) : undefined;
  };

  const answer = (req: IncomingMessage, res: ServerResponse, rt: DeploymentRuntime, text: string, t0: number) => {
    const ctx = begin(req.headers, rt.current, "mlflow", scoring);
    let result: InvocationAnswer | Promise<InvocationAnswer>;
    try {
      const format = checkScoringContentType(req.headers["content-type"]);
      result = invoke(ctx, format, text, header(req.headers, ctx.snap), { maxRows, random });
    } catch (e) {
      return respond(req, res, ctx, t0, { error: e });
    }
    // Out-of-process models answer later; in-process ones on this very turn.
    if (result instanceof Promise) {
      result.then(
        (a) => respond(req, res, ctx, t0, { answer: a }),
        (e: unknown) => respond(req, res, ctx, t0, { error: e }),
      );
    } else respond(req, res, ctx, t0, { answer: result });
  };

  const respond = (
    req: IncomingMessage,
    res: ServerResponse,
    ctx: ReturnType<typeof begin>,
    t0: number,
    outcome: { answer: InvocationAnswer } | { error: unknown },
  ) => {
    let status = 200;
    let body: string;
    let headers: Record<string, string | number> | undefined;
    if ("answer" in outcome) {
      body = JSON.stringify(outcome.answer);
      headers = answerHeaders(ctx);
    } else {
      const error = servingErrorAnswer(outcome.error as FastifyError, req.url ?? "");
      status = error.status;
      body = JSON.stringify(error.body);
      if (status >= 500) {
        const where = { id: ctx.requestId, method: "POST", url: req.url ?? "" };
        const traced = traceServerError(outcome.error as FastifyError, error, where, opts.log ?? (() => {}));
        body = JSON.stringify(traced.body);
        headers = traced.headers;
      }
    }
    const write = () => {
      const sent = finish(res, status, body, headers);
      afterResponse(ctx, sent, performance.now() - t0, after);
    };
    // A model's injected delay (a test fault) is a timer, so other requests go on meanwhile.
    const delay = injectedDelayMs(ctx);
    if (delay > 0) setTimeout(() => answers.push(write), delay);
    else answers.push(write);
  };

  return (req, res) => {
    if (req.method !== "POST") return false;
    const rt = runtimeFor(req.url);
    const length = Number(req.headers["content-length"]);
    if (!rt?.ready || !(length <= bodyLimit)) return false;
    if (opts.authorize && !opts.authorize(req, rt.name)) return false;
    // Left to Fastify, rare and with rules of their own: chunked bodies, no declared content type.
    if (req.headers["transfer-encoding"] !== undefined || req.headers["content-type"] === undefined) return false;
    const t0 = performance.now();
    readBody(req, length, (text) => answer(req, res, rt, text, t0));
    return true;
  };
}

/**
 * Answers written together, right after the event loop's I/O pass that produced them. Under load
 * one pass completes many requests; writing their answers back to back means a client woken by the
 * first finds the others already there, instead of each write paying its own cross-core wake-up —
 * on this 2-vCPU machine that wake-up inside write() was the largest single cost per request
 * (about 20 % more throughput with the batch). An idle server is not delayed: setImmediate runs as
 * soon as the current pass ends.
 */
class AnswerBatch {
  private pending: (() => void)[] = [];
  private readonly flush = () => {
    const due = this.pending;
    this.pending = [];
    for (const write of due) write();
  };

  push(write: () => void): void {
    if (this.pending.length === 0) setImmediate(this.flush);
    this.pending.push(write);
  }
}

/** Offer a request to each handler in turn until one takes it (e.g. a guard, then the direct path). */
export function firstOf(...handlers: DirectHandler[]): DirectHandler {
  return (req, res) => handlers.some((h) => h(req, res));
}

/** A Fastify server factory whose server offers each request to `direct` before the app. */
export function directServerFactory(direct: DirectHandler): FastifyServerFactory {
  return (handler, options): Server => {
    const fastify = handler as unknown as RequestListener;
    const server = createServer((req, res) => {
      if (!direct(req, res)) fastify(req, res);
    });
    // What Fastify sets on the servers it creates itself (it fills in these defaults).
    const o = options as { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number };
    if (typeof o.keepAliveTimeout === "number") server.keepAliveTimeout = o.keepAliveTimeout;
    if (typeof o.requestTimeout === "number") server.requestTimeout = o.requestTimeout;
    if (typeof o.connectionTimeout === "number") server.setTimeout(o.connectionTimeout);
    return server;
  };
}

/** Read a body of a declared length; a client that goes away mid-body is simply never answered. */
function readBody(req: IncomingMessage, length: number, done: (text: string) => void): void {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (length === 0) done("");
    else done(chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8"));
  });
  req.on("error", () => {});
}

/** Write the answer; returns the status sent (500 if the headers could not be written). */
function finish(res: ServerResponse, status: number, body: string, headers?: Record<string, string | number>): number {
  const all = headers ?? {};
  all["content-type"] = JSON_TYPE;
  all["content-length"] = Buffer.byteLength(body);
  try {
    res.writeHead(status, all);
  } catch {
    // A header value node refuses (say, a model name outside Latin-1): answer without our headers.
    const error = JSON.stringify({ error_code: "INTERNAL_ERROR", message: "Internal server error" });
    res.writeHead(500, { "content-type": JSON_TYPE, "content-length": Buffer.byteLength(error) });
    res.end(error);
    return 500;
  }
  res.end(body);
  return status;
}
