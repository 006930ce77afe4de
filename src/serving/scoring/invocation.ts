/** MLflow `/invocations`: a body in, the scored parts and the `{"predictions": [...]}` answer out. */
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

/** Parse, route and score an `/invocations` body of a checked format; throws MwErrors for bad input. */
export function invoke(
  ctx: ScoringContext,
  format: "json" | "csv",
  text: string,
  headerKey: string | undefined,
  opts: InvocationOptions,
): { predictions: unknown[] } {
  const snap = ctx.snap;
  let parts: ScoredPart[] | undefined;
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
  const bodies = parts.map((p) => ({
    rows: p.rows,
    values: formatPredictions(p.scores, p.variant.model.predictor.signature).predictions as unknown[],
  }));
  return { predictions: mergeRows(bodies, numRows) };
}
