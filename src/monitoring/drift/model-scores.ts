/** A model's scores on a table for prediction drift, or why it could not score it. */
import type { Table } from "../../data/table.js";
import { partScores } from "../../runtimes/part-scores.js";
import type { LoadedModel } from "../../runtimes/runtime.js";
import type { ReferenceScores } from "./compute-drift.js";

/** One score per row (P(positive), the value, or the top class's probability); a failure is reported, not thrown. */
export async function modelScores(model: LoadedModel, table: Table): Promise<ReferenceScores> {
  try {
    return partScores(model, await model.predict(table), table.numRows).scores;
  } catch (e) {
    return { error: (e as Error).message };
  }
}
