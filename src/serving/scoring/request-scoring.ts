/** The steps every scoring route shares: context, routing and scoring, answer headers, JSON bodies. */

import type { IncomingHttpHeaders } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Clock } from "../../core/clock.js";
import { MwError } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import type { ServingMetrics } from "../metrics/serving-metrics.js";
import { tableInputs } from "../prediction-log/prediction-records.js";
import type { DeploymentRuntime } from "../runtime/deployment-runtime.js";
import type { ServingTargets } from "../serving-targets.js";
import type { ScoringContext } from "./after-response.js";
import { newRequestId } from "./request-id.js";
import type { ScoredPart } from "./score-rows.js";
import { assignRows, requestKeys, scoreParts, VariantError } from "./score-rows.js";

/** Start a scoring request's context: in-flight accounting, request id, arrival time. */
export function begin(
  headers: IncomingHttpHeaders,
  snap: ScoringContext["snap"],
  protocol: ScoringContext["protocol"],
  opts: { clock: Clock; metrics: ServingMetrics },
): ScoringContext {
  const ctx: ScoringContext = { snap, protocol, requestId: requestId(headers), time: opts.clock.now() };
  opts.metrics.requestStarted(snap.deployment);
  return ctx;
}

/**
 * Route and score a parsed table, recording the parts (or the failing variant) on the context;
 * synchronous when every model scores in process.
 */
export function score(
  ctx: ScoringContext,
  table: Table,
  headerKey: string | undefined,
  random: () => number,
): ScoredPart[] | Promise<ScoredPart[]> {
  ctx.table = table;
  ctx.inputs = tableInputs(table);
  ctx.keys = requestKeys(ctx.snap, table, headerKey);
  const noteFailure = (e: unknown): never => {
    if (e instanceof VariantError) ctx.failed = e.variant;
    throw e;
  };
  let parts: ScoredPart[] | Promise<ScoredPart[]>;
  try {
    parts = scoreParts(table, assignRows(ctx.snap, table.numRows, ctx.keys, random));
  } catch (e) {
    return noteFailure(e);
  }
  if (!(parts instanceof Promise)) {
    ctx.parts = parts;
    return parts;
  }
  return parts.then((p) => {
    ctx.parts = p;
    return p;
  }, noteFailure);
}

/** Which model versions and variant answered, and the request id, in headers. */
export function answered(reply: FastifyReply, ctx: ScoringContext): FastifyReply {
  return reply.headers(answerHeaders(ctx));
}

/** The headers naming who answered: model versions, variant (`mixed` for a split batch), deployment, request id. */
export function answerHeaders(ctx: ScoringContext): Record<string, string> {
  const parts = ctx.parts ?? [];
  const first = parts[0]?.variant;
  const models =
    parts.length === 1 && first
      ? `${first.model.name}/${first.model.version}`
      : parts.map((p) => `${p.variant.model.name}/${p.variant.model.version}`).join(",");
  return {
    "x-modelworks-model": headerSafe(models),
    "x-modelworks-variant": parts.length === 1 ? (first?.kind as string) : "mixed",
    "x-modelworks-deployment": ctx.snap.deployment,
    "x-request-id": ctx.requestId,
  };
}

/** The runtime a request addresses (by its `:deployment` path segment in multi-deployment servers). */
export function target(targets: ServingTargets, req: FastifyRequest): DeploymentRuntime {
  const name = (req.params as { deployment?: string }).deployment;
  return targets.byDeployment(name) ?? unknownDeployment(name ?? "");
}

/** RESOURCE_DOES_NOT_EXIST for a deployment not served here. */
export function unknownDeployment(name: string): never {
  throw new MwError("RESOURCE_DOES_NOT_EXIST", `No active deployment named '${name}' is served here.`);
}

/** The request's routing key header, when the deployment routes by a header. */
export function header(headers: IncomingHttpHeaders, snap: ScoringContext["snap"]): string | undefined {
  if (snap.routingKey?.source !== "header") return undefined;
  const v = headers[snap.routingKey.name];
  return Array.isArray(v) ? v[0] : v;
}

/** Header values are printable ASCII here; anything else in a model name is percent-encoded. */
function headerSafe(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : encodeURI(value);
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request's id: the client's `x-request-id` when it is a short plain token, else a new one. */
export function requestId(headers: IncomingHttpHeaders): string {
  const given = headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID.test(given) ? given : newRequestId();
}

/** Parse a JSON body; empty or malformed bodies are BAD_REQUEST. */
export function parseJson(text: string): unknown {
  if (text.trim() === "") throw new MwError("BAD_REQUEST", "The request body is empty; expected a JSON object.");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new MwError("BAD_REQUEST", `Malformed JSON in request body: ${(e as Error).message}`);
  }
}
