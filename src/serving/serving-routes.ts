/**
 * The inference routes as a Fastify plugin: MLflow's scoring protocol, the Open Inference Protocol
 * v2, label feedback and Prometheus metrics, over one deployment (`serve`) or many (`up`).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { access } from "../core/api/access.js";
import type { Clock } from "../core/clock.js";
import type { ReadinessCheck } from "../core/db/readiness.js";
import { MwError } from "../core/errors.js";
import { requireJsonBody } from "../core/http/media-type.js";
import type { ServingMetrics } from "./metrics/serving-metrics.js";
import { parseFeedback } from "./prediction-log/feedback.js";
import type { PredictionLogStore } from "./prediction-log/prediction-log-store.js";
import type { PredictionLogger } from "./prediction-log/prediction-logger.js";
import { checkScoringContentType } from "./protocols/mlflow/index.js";
import type { ScoringContext } from "./scoring/after-response.js";
import { afterResponse } from "./scoring/after-response.js";
import { injectedDelayMs } from "./scoring/injected-delay.js";
import { invoke } from "./scoring/invocation.js";
import { answered, begin, header, parseJson, target, unknownDeployment } from "./scoring/request-scoring.js";
import { installServingErrors } from "./serving-errors.js";
import type { ServingTargets } from "./serving-targets.js";
import { v2Routes } from "./v2-routes.js";

export interface ServingRoutesOptions {
  targets: ServingTargets;
  version: string;
  metrics: ServingMetrics;
  /** The prediction log; nothing is logged without it. */
  logger?: PredictionLogger;
  /** Where `POST /feedback` stores outcomes; the route answers 501 without it. */
  feedback?: PredictionLogStore;
  clock: Clock;
  random?: () => number;
  /** Largest request body in bytes (default 5 MiB). */
  bodyLimit?: number;
  /** Most rows in one request (default 10,000). */
  maxRows?: number;
  /** `single`: `/invocations` at the root; `multi`: `/deployments/:deployment/invocations`. */
  layout: "single" | "multi";
  /**
   * The metadata database's readiness, for `GET /health/ready` of a single-deployment server
   * (`serve`; in `up` the platform app answers it).
   */
  databaseReadiness?: () => Promise<ReadinessCheck>;
  /** Gets one line per 5xx (request id, route, code, cause); it must redact secrets. */
  log?: (line: string) => void;
}

declare module "fastify" {
  interface FastifyRequest {
    scoring: ScoringContext | undefined;
  }
}

/** Register the inference routes in their own encapsulated context. */
export async function servingRoutes(app: FastifyInstance, opts: ServingRoutesOptions): Promise<void> {
  const random = opts.random ?? Math.random;
  const maxRows = opts.maxRows ?? 10_000;
  const bodyLimit = opts.bodyLimit ?? 5 * 1024 * 1024;
  app.decorateRequest("scoring", undefined);
  app.removeAllContentTypeParsers();
  // Bodies arrive as text; the protocol handlers decide (MLflow answers 415 for other types itself).
  app.addContentTypeParser("*", { parseAs: "string", bodyLimit }, (_req, body, done) => done(null, body));
  installServingErrors(app, opts.log);
  const after = { metrics: opts.metrics, random, ...(opts.logger ? { logger: opts.logger } : {}) };
  app.addHook("onResponse", async (req, reply) => {
    if (req.scoring) afterResponse(req.scoring, reply.statusCode, reply.elapsedTime, after);
  });
  app.addHook("onRequestAbort", async (req) => {
    if (req.scoring) afterResponse(req.scoring, 499, 0, after);
  });

  const multi = opts.layout === "multi";
  // Each route declares what its caller needs; predicting needs a grant on the deployment it names.
  const deployment = (req: FastifyRequest) => {
    const p = req.params as { deployment?: string; name?: string };
    return multi ? (p.deployment ?? p.name) : opts.targets.all()[0]?.name;
  };
  const open = { config: { access: access.public } };
  const predict = { config: { access: access.predict, deployment } };
  const ping = async (req: FastifyRequest, reply: FastifyReply) => {
    const rt = target(opts.targets, req);
    return reply
      .status(rt.ready ? 200 : 503)
      .type("application/json")
      .send("\n");
  };
  const base = multi ? "/deployments/:deployment" : "";
  app.get(`${base}/ping`, open, ping);
  app.get(`${base}/health`, open, ping);
  const readiness = opts.databaseReadiness;
  if (!multi && readiness)
    app.get("/health/ready", open, async (req, reply) => {
      const rt = target(opts.targets, req);
      const database = await readiness();
      const ready = rt.ready && database.ok;
      return reply.status(ready ? 200 : 503).send({ ready, database, serving: { ok: rt.ready } });
    });
  app.get(`${base}/version`, open, async (_req, reply) => reply.type("text/plain").send(opts.version));

  app.post(`${base}/invocations`, { bodyLimit, ...predict }, async (req, reply) => {
    const snap = target(opts.targets, req).current;
    const ctx = begin(req.headers, snap, "mlflow", opts);
    req.scoring = ctx;
    const format = checkScoringContentType(req.headers["content-type"]);
    const text = typeof req.body === "string" ? req.body : "";
    const answer = await invoke(ctx, format, text, header(req.headers, snap), { maxRows, random });
    const delay = injectedDelayMs(ctx);
    if (delay > 0) await sleep(delay);
    return answered(reply, ctx).send(answer);
  });

  v2Routes(app, {
    open,
    predict,
    targets: opts.targets,
    clock: opts.clock,
    metrics: opts.metrics,
    version: opts.version,
    random,
    maxRows,
    bodyLimit,
  });

  const feedback = async (req: FastifyRequest) => {
    if (!opts.feedback) throw new MwError("NOT_IMPLEMENTED", "This server has no prediction store for feedback.");
    const named = (req.params as { deployment?: string }).deployment;
    const deployment = multi ? named : opts.targets.all()[0]?.name;
    const records = parseFeedback(parseJson(typeof req.body === "string" ? req.body : ""), {
      ...(deployment !== undefined ? { deployment } : {}),
      clock: opts.clock,
    });
    if (multi) for (const r of records) if (!opts.targets.byDeployment(r.deployment)) unknownDeployment(r.deployment);
    await opts.feedback.appendFeedback(records);
    return { accepted: records.length };
  };
  // Feedback at the root of `up` names its deployments in the body: any signed-in caller.
  // JSON only, checked before the body is read: a web page on another site could otherwise post
  // labels as text/plain without a preflight and poison the deployment's measured performance.
  const jsonOnly = async (req: FastifyRequest) => requireJsonBody(req.headers, "POST /feedback");
  const rootFeedback = multi ? { config: { access: access.user } } : predict;
  app.post("/feedback", { bodyLimit, onRequest: jsonOnly, ...rootFeedback }, feedback);
  if (multi) app.post(`${base}/feedback`, { bodyLimit, onRequest: jsonOnly, ...predict }, feedback);
  // Prometheus scrapes without credentials: counts and latencies per deployment, no data.
  app.get("/metrics", open, async (_req, reply) =>
    reply.type(opts.metrics.contentType).send(await opts.metrics.text()),
  );
}
