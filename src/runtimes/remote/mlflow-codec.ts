/**
 * MLflow's scoring protocol as a client (`mlflow models serve`, and any server speaking it): a
 * batch goes out as `dataframe_split`, and the answer's `predictions` (or, from MLflow 1.x, a bare
 * list) comes back as numbers, rows of numbers, or records.
 */
import type { Table } from "../../data/table.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import { badAnswer, type ScoreShape, scoresFrom, scoreValue } from "./remote-scores.js";
import { cellAs, defaultKind, inputColumns, type JsonScalar } from "./table-values.js";

/** The `/invocations` body for a batch: `{"dataframe_split": {"columns", "data"}}`. */
export function encodeMlflowRequest(table: Table, inputs: readonly SignatureInput[]): string {
  const columns = inputColumns(table, inputs);
  const kinds = inputs.map(defaultKind);
  const data: JsonScalar[][] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    const row: JsonScalar[] = new Array(inputs.length);
    for (let c = 0; c < inputs.length; c++) row[c] = cellAs(columns[c], i, kinds[c] as "num");
    data[i] = row;
  }
  return JSON.stringify({ dataframe_split: { columns: inputs.map((i) => i.name), data } });
}

/**
 * The scores in an answer. Each prediction may be a number, a list (e.g. `predict_proba`'s
 * [P(negative), P(positive)], or one probability per class), or a record: the platform's own
 * (`{probability, label}`; multiclass `{probabilities: {class: p}}`), or a DataFrame row whose
 * numeric fields are taken in order (by class name when they are the classes).
 */
export function decodeMlflowResponse(body: unknown, rows: number, shape: ScoreShape, endpoint: string): Float64Array {
  const list = Array.isArray(body) ? body : (body as { predictions?: unknown } | null)?.predictions;
  if (!Array.isArray(list)) throw badAnswer(endpoint, "no 'predictions' list");
  if (list.length !== rows) throw badAnswer(endpoint, `${list.length} predictions for ${rows} rows`);
  if (rows === 0) return new Float64Array(0);
  const width = rowOf(list[0], shape, endpoint).length;
  const values = new Float64Array(rows * width);
  for (let i = 0; i < rows; i++) {
    const row = rowOf(list[i], shape, endpoint);
    if (row.length !== width) throw badAnswer(endpoint, `rows of ${width} and ${row.length} scores`);
    for (let c = 0; c < width; c++) values[i * width + c] = scoreValue(row[c], endpoint);
  }
  return scoresFrom(values, rows, width, shape, endpoint);
}

/** One prediction as a list of score elements. */
function rowOf(p: unknown, shape: ScoreShape, endpoint: string): unknown[] {
  if (Array.isArray(p)) return p.flat(Number.POSITIVE_INFINITY);
  if (typeof p !== "object" || p === null) return [p];
  const record = p as Record<string, unknown>;
  const classes = shape.classes ?? [];
  const probs = record.probabilities;
  if (shape.kind === "multiclass" && typeof probs === "object" && probs !== null && !Array.isArray(probs)) {
    return classes.map((c) => (probs as Record<string, unknown>)[c] ?? null);
  }
  if (Array.isArray(probs)) return probs;
  if (shape.kind !== "multiclass" && "probability" in record) return [record.probability];
  if (shape.kind === "regression" && "prediction" in record) return [record.prediction];
  if (classes.length > 0 && classes.every((c) => c in record)) return classes.map((c) => record[c]);
  const numeric = Object.values(record).filter((v) => typeof v === "number" || v === null);
  if (numeric.length === 0)
    throw badAnswer(endpoint, `a record with no numeric field (${Object.keys(record).join(", ")})`);
  return numeric;
}
