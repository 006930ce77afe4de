/** MLflow `/invocations`: a body in, the scored parts and the `{"predictions": [...]}` answer out. */

import type { FeatureLookup } from "../features/feature-lookup.js";
import { formatPredictions, parseScoringCsv, parseScoringJson } from "../protocols/mlflow/index.js";
import type { ScoringContext } from "./after-response.js";
import { parseJson, score } from "./request-scoring.js";
import type { ScoredPart } from "./score-rows.js";
import { mergeRows } from "./score-rows.js";
import { scoreSingleRecord } from "./single-record.js";

export interface InvocationOptions {
  maxRows: number;
  random: () => number;
}

/**
 * Parse, route and score an `/invocations` body of a checked format; throws MwErrors for bad input.
 * Synchronous when every model scores in process, else a promise.
 */
export function invoke(
  ctx: ScoringContext,
  format: "json" | "csv",
  text: string,
  headerKey: string | undefined,
  opts: InvocationOptions,
): InvocationAnswer | Promise<InvocationAnswer> {
  const snap = ctx.snap;
  if (snap.features) return invokeWithFeatures(ctx, format, text, headerKey, opts, snap.features);
  let parts: ScoredPart[] | Promise<ScoredPart[]> | undefined;
  let numRows = 1;
  if (format === "csv") {
    const table = parseScoringCsv(text, snap.signature, { maxRows: opts.maxRows });
    parts = score(ctx, table, headerKey, opts.random);
    numRows = table.numRows;
  } else {
    const body = parseJson(text);
    parts = scoreSingleRecord(ctx, body, headerKey, opts.random);
    if (parts === undefined) {
      const table = parseScoringJson(body, snap.signature, { maxRows: opts.maxRows });
      parts = score(ctx, table, headerKey, opts.random);
      numRows = table.numRows;
    }
  }
  return parts instanceof Promise ? parts.then((p) => answerOf(p, numRows)) : answerOf(parts, numRows);
}

/** Parse the entity keys and request-time inputs, complete them from the online store, then score. */
async function invokeWithFeatures(
  ctx: ScoringContext,
  format: "json" | "csv",
  text: string,
  headerKey: string | undefined,
  opts: InvocationOptions,
  features: FeatureLookup,
): Promise<InvocationAnswer> {
  const signature = ctx.snap.signature;
  const parsed =
    format === "csv"
      ? parseScoringCsv(text, signature, { maxRows: opts.maxRows })
      : parseScoringJson(parseJson(text), signature, { maxRows: opts.maxRows });
  const table = await features.complete(parsed);
  return answerOf(await score(ctx, table, headerKey, opts.random), table.numRows);
}

/** The `/invocations` answer. */
export interface InvocationAnswer {
  predictions: unknown[];
}

function answerOf(parts: ScoredPart[], numRows: number): InvocationAnswer {
  const bodies = parts.map((p) => ({
    rows: p.rows,
    values: formatPredictions(p.scores, p.variant.model.predictor.signature, multiclassOf(p)).predictions as unknown[],
  }));
  return { predictions: mergeRows(bodies, numRows) };
}

function multiclassOf(p: ScoredPart): { probabilities: Float64Array; top: Int32Array } | undefined {
  return p.probabilities && p.top ? { probabilities: p.probabilities, top: p.top } : undefined;
}
