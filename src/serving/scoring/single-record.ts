/**
 * The single-record path of the MLflow protocol. Online callers mostly send one customer per
 * request; for them, building a Table (a typed buffer per column) and a feature matrix costs more
 * than the 200 trees. Here one record (`dataframe_records` or `instances` holding one object) is read
 * straight into the answering variant's row scorer.
 *
 * It answers only where the general path would answer the same: every value must be one the
 * general parser takes as it is (a number for a number input, a string for a string input, null
 * for missing...). Anything else — a numeric string, an absent required input, a model without a
 * row scorer, shadow mode — returns undefined, and the request goes the general way, which also
 * words every error.
 */
import type { RowScorer } from "../../learn/package/load-model.js";
import type { LoggedInputs } from "../prediction-log/prediction-records.js";
import { T_BOOL, T_FLOAT, T_INT, T_STRING, T_TIMESTAMP } from "../protocols/mlflow/cells.js";
import { field, type InputPlan, inputPlan } from "../protocols/mlflow/columns.js";
import type { ServedVariant, ServingSnapshot } from "../runtime/serving-snapshot.js";
import type { ScoringContext } from "./after-response.js";
import type { RequestKeys, ScoredPart } from "./score-rows.js";
import { assignRows, headerKeys, VariantError } from "./score-rows.js";

type Obj = Record<string, unknown>;

/** One variant's row scorer and where each request input goes in it (-1: not a model input). */
interface VariantRow {
  variant: ServedVariant;
  scorer: RowScorer;
  input: Int32Array;
}

/** A snapshot compiled for the single-record path. */
interface RecordPath {
  plan: InputPlan;
  rows: Map<ServedVariant, VariantRow>;
  /** Request input holding the routing key (a string column), or -1. */
  keyInput: number;
  /** The record being scored, read into numbers (NaN: missing) and strings (undefined: missing). */
  num: Float64Array;
  str: (string | undefined)[];
}

// null: this snapshot always takes the general path.
const compiled = new WeakMap<ServingSnapshot, RecordPath | null>();

/**
 * Score a one-record request body, or return undefined for the general path. On success the
 * context holds the parts, routing keys and logged inputs, as `score()` leaves them.
 */
export function scoreSingleRecord(
  ctx: ScoringContext,
  body: unknown,
  headerKey: string | undefined,
  random: () => number,
): ScoredPart[] | undefined {
  const record = oneRecord(body);
  if (record === undefined) return undefined;
  const path = recordPath(ctx.snap);
  if (path === null || !readRecord(path, record)) return undefined;
  const keys: RequestKeys =
    ctx.snap.routingKey?.source === "header"
      ? headerKeys(headerKey)
      : path.keyInput >= 0
        ? { perRow: [path.str[path.keyInput]] }
        : {};
  const [assigned] = assignRows(ctx.snap, 1, keys, random);
  const row = path.rows.get((assigned as { variant: ServedVariant }).variant) as VariantRow;
  let score: number;
  try {
    score = scoreRow(path, row);
  } catch (e) {
    ctx.failed = row.variant;
    throw new VariantError(row.variant, e);
  }
  ctx.keys = keys;
  ctx.inputs = recordInputs(path.plan, record);
  ctx.parts = [{ variant: row.variant, scores: Float64Array.of(score) }];
  return ctx.parts;
}

/** The one record of `{"dataframe_records": [obj]}` or `{"instances": [obj]}`, else undefined. */
function oneRecord(body: unknown): Obj | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  let rows: unknown;
  let keys = 0;
  for (const k in body) {
    if (k === "dataframe_split" || k === "inputs") return undefined;
    if (k === "dataframe_records" || k === "instances") {
      rows = (body as Obj)[k];
      keys++;
    }
  }
  if (keys !== 1 || !Array.isArray(rows) || rows.length !== 1) return undefined;
  const record = rows[0];
  return record !== null && typeof record === "object" && !Array.isArray(record) ? (record as Obj) : undefined;
}

function recordPath(snap: ServingSnapshot): RecordPath | null {
  let path = compiled.get(snap);
  if (path === undefined) {
    path = compile(snap);
    compiled.set(snap, path);
  }
  return path;
}

function compile(snap: ServingSnapshot): RecordPath | null {
  if (snap.shadow) return null;
  const plan = inputPlan(snap.signature);
  const rows = new Map<ServedVariant, VariantRow>();
  for (const variant of snap.candidate ? [snap.primary, snap.candidate] : [snap.primary]) {
    const predictor = variant.model.predictor;
    const scorer = predictor.rowScorer?.();
    if (!scorer) return null;
    const position = new Map(predictor.signature.inputs.map((s, i) => [s.name, i]));
    rows.set(variant, { variant, scorer, input: Int32Array.from(plan.names, (n) => position.get(n) ?? -1) });
  }
  const rk = snap.routingKey;
  const keyInput = rk?.source === "column" ? (plan.position.get(rk.name) ?? -1) : -1;
  // A non-string key column stringifies its values; leave that to the general path.
  if (keyInput >= 0 && plan.types[keyInput] !== T_STRING) return null;
  const k = plan.names.length;
  return { plan, rows, keyInput, num: new Float64Array(k), str: new Array(k).fill(undefined) };
}

/** Read every input of the record; false when a value needs the general parser. */
function readRecord(path: RecordPath, record: Obj): boolean {
  const { plan, num, str } = path;
  for (let i = 0; i < plan.names.length; i++) {
    const v = field(plan, record, i);
    const type = plan.types[i] as number;
    if (v === null || v === undefined) {
      if (v === undefined && !plan.optional[i]) return false;
      num[i] = Number.NaN;
      str[i] = undefined;
      continue;
    }
    if (type === T_STRING) {
      if (typeof v !== "string") return false;
      str[i] = v;
      continue;
    }
    const x = numberOf(type, v);
    if (Number.isNaN(x)) return false;
    num[i] = x;
  }
  return true;
}

/** The number the general parser stores for a JSON value of a numeric-like input, NaN if it would not take it as is. */
function numberOf(type: number, v: unknown): number {
  if (typeof v === "boolean") return type === T_BOOL ? (v ? 1 : 0) : Number.NaN;
  if (typeof v !== "number") return Number.NaN;
  switch (type) {
    case T_FLOAT:
      return v;
    case T_INT:
      return Number.isInteger(v) ? v : Number.NaN;
    case T_TIMESTAMP:
      return Number.isFinite(v) ? v : Number.NaN;
    default:
      return v === 0 || v === 1 ? v : Number.NaN;
  }
}

function scoreRow(path: RecordPath, row: VariantRow): number {
  const { plan, num, str } = path;
  const { scorer, input } = row;
  for (let i = 0; i < plan.names.length; i++) {
    const j = input[i] as number;
    if (j < 0) continue;
    if (plan.types[i] === T_STRING) scorer.setString(j, str[i]);
    else scorer.setNumber(j, num[i] as number);
  }
  return scorer.score();
}

/** The record's inputs as the log stores them, built only if it is logged (the record is not reused). */
function recordInputs(plan: InputPlan, record: Obj): LoggedInputs {
  return { numRows: 1, json: () => recordJson(plan, record) };
}

/** The JSON text `tableInputs` gives for the same row parsed into a table. */
function recordJson(plan: InputPlan, record: Obj): string {
  const keys = jsonKeys(plan);
  let s = "";
  for (let i = 0; i < keys.length; i++) s += keys[i] + cellJson(plan.types[i] as number, field(plan, record, i));
  return keys.length === 0 ? "{}" : `${s}}`;
}

const keyTexts = new WeakMap<InputPlan, string[]>();

/** `{"name":` then `,"name":` ... per input, encoded once per plan. */
function jsonKeys(plan: InputPlan): string[] {
  let keys = keyTexts.get(plan);
  if (keys === undefined) {
    keys = plan.names.map((n, i) => `${i === 0 ? "{" : ","}${JSON.stringify(n)}:`);
    keyTexts.set(plan, keys);
  }
  return keys;
}

function cellJson(type: number, v: unknown): string {
  if (v === null || v === undefined) return "null";
  switch (type) {
    case T_STRING:
      return JSON.stringify(v);
    case T_BOOL:
      return v === true || v === 1 ? "true" : "false";
    case T_TIMESTAMP:
      return `"${new Date(v as number).toISOString()}"`;
    default:
      return String(v);
  }
}
