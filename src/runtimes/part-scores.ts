/** A model's output for a batch as the serving path uses it: one score per row, plus class probabilities. */
import { MwError } from "../core/errors.js";
import type { Table } from "../data/table.js";
import type { LoadedModel, ModelOutput } from "./runtime.js";

/**
 * `scores` has one number per row: P(positive) for binary, the value for regression, the top class's
 * probability for multiclass (what score histograms, drift on scores and the log's `score` use);
 * multiclass also keeps every probability (rows × classes) and the top class's index per row.
 */
export interface PartScores {
  scores: Float64Array;
  probabilities?: Float64Array;
  top?: Int32Array;
}

/** Check a model's output against the batch and split it into {@link PartScores}. */
export function partScores(model: LoadedModel, out: ModelOutput, rows: number): PartScores {
  if (out.rows !== rows) throw badOutput(`${out.rows} rows for a batch of ${rows}`);
  if (model.kind !== "multiclass") {
    if (out.scores.length !== rows) throw badOutput(`${out.scores.length} scores for ${rows} rows`);
    return { scores: out.scores };
  }
  const k = model.classes?.length ?? 0;
  if (k < 2 || out.scores.length !== rows * k)
    throw badOutput(`${out.scores.length} probabilities for ${rows} rows × ${k} classes`);
  const scores = new Float64Array(rows);
  const top = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let p = out.scores[i * k] as number;
    for (let c = 1; c < k; c++) {
      const q = out.scores[i * k + c] as number;
      if (q > p) {
        p = q;
        best = c;
      }
    }
    scores[i] = p;
    top[i] = best;
  }
  return { scores, probabilities: out.scores, top };
}

function badOutput(what: string): MwError {
  return new MwError("INTERNAL_ERROR", `The model answered ${what}.`);
}

/** Score a whole table: one number per row (see {@link PartScores}); rejects when the model fails. */
export async function scoreTable(model: LoadedModel, table: Table): Promise<Float64Array> {
  return partScores(model, await model.predict(table), table.numRows).scores;
}
