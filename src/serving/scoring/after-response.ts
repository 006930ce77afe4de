/**
 * Work done once the answer has left: request metrics, score histograms, the prediction log
 * (sampled per request) and the shadow candidate's scoring. None of it delays the response.
 */
import type { Table } from "../../data/table.js";
import type { PartScores } from "../../runtimes/part-scores.js";
import { partScores } from "../../runtimes/part-scores.js";
import type { ServingMetrics } from "../metrics/serving-metrics.js";
import type { PredictionLogger } from "../prediction-log/prediction-logger.js";
import type { LoggedInputs } from "../prediction-log/prediction-records.js";
import type { ServedVariant, ServingSnapshot } from "../runtime/serving-snapshot.js";
import type { RequestKeys, ScoredPart } from "./score-rows.js";

/** What one scoring request leaves for after the response. */
export interface ScoringContext {
  snap: ServingSnapshot;
  protocol: "mlflow" | "v2";
  requestId: string;
  /** Arrival time, ms since the epoch. */
  time: number;
  /** The parsed rows (the general path); shadow scoring needs them. */
  table?: Table;
  /** The rows as the prediction log stores them. */
  inputs?: LoggedInputs;
  keys?: RequestKeys;
  parts?: ScoredPart[];
  /** The variant whose model failed, for a 500. */
  failed?: ServedVariant;
  /** True once in-flight accounting is closed (a response and an abort may both report). */
  done?: boolean;
}

export interface AfterResponseDeps {
  metrics: ServingMetrics;
  logger?: PredictionLogger;
  random: () => number;
}

/** Close the request's accounting and do its deferred work. */
export function afterResponse(ctx: ScoringContext, status: number, elapsedMs: number, deps: AfterResponseDeps): void {
  if (ctx.done) return;
  ctx.done = true;
  const { metrics } = deps;
  const seconds = elapsedMs / 1000;
  metrics.requestFinished(ctx.snap.deployment);
  const parts = ctx.parts;
  if (!parts || status !== 200) {
    metrics.observeRequest((ctx.failed ?? ctx.snap.primary).labels, ctx.protocol, status, seconds);
    return;
  }
  for (const p of parts) {
    metrics.observeRequest(p.variant.labels, ctx.protocol, status, seconds);
    metrics.observeScores(p.variant.labels, p.scores);
  }
  const sampling = ctx.snap.logSampling;
  const logged = deps.logger !== undefined && sampling > 0 && (sampling >= 1 || deps.random() < sampling);
  if (logged) for (const p of parts) logPart(ctx, p.variant, p, p.rows, false, elapsedMs, deps);
  if (ctx.snap.shadow && ctx.snap.candidate && ctx.table) shadowScore(ctx, ctx.snap.candidate, logged, deps);
}

/** The shadow candidate scores the same rows; its answer is measured and logged, never returned. */
function shadowScore(ctx: ScoringContext, cand: ServedVariant, logged: boolean, deps: AfterResponseDeps): void {
  const labels = { ...cand.labels, variant: "shadow" };
  const t0 = performance.now();
  const done = (scored: PartScores | undefined) => {
    const ms = performance.now() - t0;
    deps.metrics.observeRequest(labels, ctx.protocol, scored ? 200 : 500, ms / 1000);
    if (!scored) return;
    deps.metrics.observeScores(labels, scored.scores);
    if (logged) logPart(ctx, cand, scored, undefined, true, ms, deps);
  };
  const table = ctx.table as Table;
  const model = cand.model.predictor;
  try {
    if (model.predictSync) done(partScores(model, model.predictSync(table), table.numRows));
    else
      model.predict(table).then(
        (out) => done(partScores(model, out, table.numRows)),
        () => done(undefined),
      );
  } catch {
    done(undefined);
  }
}

function logPart(
  ctx: ScoringContext,
  variant: ServedVariant,
  scored: PartScores,
  rows: Int32Array | undefined,
  shadow: boolean,
  latencyMs: number,
  deps: AfterResponseDeps,
): void {
  const m = variant.model;
  if (!ctx.inputs) return;
  // Written out without spreads: this runs for every logged request.
  deps.logger?.log({
    deployment: ctx.snap.deployment,
    requestId: ctx.requestId,
    variant: variant.kind,
    shadow,
    modelName: m.name,
    modelVersion: m.version,
    inputs: ctx.inputs,
    rows,
    scores: scored.scores,
    top: scored.top,
    signature: m.predictor.signature,
    routingKeys: ctx.keys?.perRow,
    routingKey: ctx.keys?.request,
    time: ctx.time,
    latencyMs,
  });
}
