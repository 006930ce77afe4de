/** Turning a scored request into prediction-log records (run once the response has gone out). */
import { type Column, type Table, valueAt } from "../../data/table.js";
import type { ModelSignature } from "../../learn/package/model-package.js";
import type { PredictionRecord } from "./prediction-log-store.js";
import type { ScoredBatch } from "./prediction-logger.js";

/**
 * The label for a score, by the rule of `formatPredictions`: binary labels are positive when
 * `score >= (threshold ?? 0.5)` (so a NaN score gets the negative label, as the response did),
 * named by `positive_class` / `negative_class` (default `not <positive>`) or else "1" / "0";
 * regression labels are the value as text; multiclass labels come from the top class (see
 * {@link toPredictionRecords}), this gives the probability as text.
 */
export function labeler(signature: ModelSignature): (score: number) => string {
  let label = labelers.get(signature);
  if (label === undefined) {
    label = makeLabeler(signature);
    labelers.set(signature, label);
  }
  return label;
}

// Signatures are immutable once loaded; every logged request asks for its model's labeler.
const labelers = new WeakMap<ModelSignature, (score: number) => string>();

function makeLabeler(signature: ModelSignature): (score: number) => string {
  if (signature.task !== "binary") return (score) => String(score);
  const threshold = signature.threshold ?? 0.5;
  const pos = signature.positive_class;
  const yes = pos ?? "1";
  const no = pos === undefined ? "0" : (signature.negative_class ?? `not ${pos}`);
  return (score) => (score >= threshold ? yes : no);
}

/** A cell as a JSON value text: timestamps as ISO strings; missing and non-finite values as null. */
function cellJson(c: Column, i: number): string {
  const v = valueAt(c, i);
  if (v === null || v === undefined) return "null";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return "null";
    return c.type === "timestamp" ? `"${new Date(v).toISOString()}"` : String(v);
  }
  return typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

/** A request's rows as the log stores them: each row's input values as one JSON object text. */
export interface LoggedInputs {
  readonly numRows: number;
  /** Row `row`'s inputs as a JSON object text, keys in signature order. */
  json(row: number): string;
}

/** The logged inputs of a parsed table (its columns are the request signature's inputs). */
export function tableInputs(table: Table): LoggedInputs {
  let serialize: ((row: number) => string) | undefined;
  return {
    numRows: table.numRows,
    json: (row) => {
      serialize ??= rowSerializer(table.columns);
      return serialize(row);
    },
  };
}

/** A function from a table row to the JSON object text of its column values. */
function rowSerializer(columns: readonly Column[]): (row: number) => string {
  // Keys are encoded once per batch; only the values are encoded per row.
  const keys = columns.map((c, j) => `${j === 0 ? "{" : ","}${JSON.stringify(c.name)}:`);
  return (row) => {
    let s = "";
    for (let j = 0; j < columns.length; j++) s += keys[j] + cellJson(columns[j] as Column, row);
    return columns.length === 0 ? "{}" : `${s}}`;
  };
}

/**
 * The same text, flattened now. Built by concatenation, it is a tree of small pieces; flattening
 * it while they are fresh in cache is cheap, while the writer's copy at flush time (after the
 * pieces have aged, maybe into the old generation) costs several times more.
 */
function flattened(s: string): string {
  // charCodeAt makes V8 flatten a concatenated string in place.
  s.charCodeAt(0);
  return s;
}

/** The records of one scored batch, one per scored row, in scoring order. */
export function toPredictionRecords(batch: ScoredBatch): PredictionRecord[] {
  const { inputs, rows, scores } = batch;
  const label = labeler(batch.signature);
  const classes = batch.signature.classes ?? [];
  const top = batch.signature.task === "multiclass" ? batch.top : undefined;
  const out: PredictionRecord[] = new Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const row = rows === undefined ? i : (rows[i] as number);
    if (!(row >= 0 && row < inputs.numRows)) {
      throw new RangeError(`scored row ${i} points at request row ${row}, but the request has ${inputs.numRows} rows`);
    }
    const score = scores[i] as number;
    const routingKey = batch.routingKeys !== undefined ? batch.routingKeys[row] : batch.routingKey;
    const record: PredictionRecord = {
      deployment: batch.deployment,
      requestId: batch.requestId,
      row,
      variant: batch.variant,
      shadow: batch.shadow,
      modelName: batch.modelName,
      modelVersion: batch.modelVersion,
      inputs: flattened(inputs.json(row)),
      score,
      label: top ? (classes[top[i] as number] ?? "") : label(score),
      time: batch.time,
      latencyMs: batch.latencyMs,
    };
    if (routingKey !== undefined) record.routingKey = routingKey;
    out[i] = record;
  }
  return out;
}
