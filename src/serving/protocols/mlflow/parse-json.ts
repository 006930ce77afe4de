/**
 * MLflow 2.x JSON scoring bodies → a {@link Table} holding exactly the signature's inputs.
 *
 * The body must be an object with exactly one of these keys (`params` and other keys are ignored):
 * - `dataframe_split`: `{columns?, data, index?}`; `data` is a list of rows (lists). Without
 *   `columns`, rows are positional in signature order.
 * - `dataframe_records`: a list of objects.
 * - `instances`: a list of objects (records) or of lists (positional, in signature order); for a
 *   one-input signature, a list of scalars.
 * - `inputs`: columnar `{col: [...], ...}`, or a list like `instances`.
 *
 * Extra columns are ignored; a missing input is BAD_REQUEST naming it. For record rows, a key
 * absent from some rows is null there; absent from every row, the input is missing. Cell rules:
 * see `columns.ts`.
 */

import type { Table } from "../../../data/table.js";
import type { ModelSignature } from "../../../learn/package/model-package.js";
import {
  badRequest,
  checkRowCount,
  field,
  type InputPlan,
  inputPlan,
  missingInputs,
  pushTo,
  TableBuilder,
} from "./columns.js";
import { REQUIRED_INPUT_FORMAT, SCORING_PROTOCOL_CHANGE_INFO } from "./messages.js";

/** Options for the scoring parsers. */
export interface ScoringParseOptions {
  /** Most rows one request may carry (BAD_REQUEST beyond it). */
  maxRows?: number;
}

type Obj = Record<string, unknown>;

/** Parse an already-`JSON.parse`d scoring body; throws BAD_REQUEST MwErrors. */
export function parseScoringJson(body: unknown, signature: ModelSignature, options?: ScoringParseOptions): Table {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw formatError();
  let key: string | undefined;
  for (const k in body) {
    if (k === "dataframe_split" || k === "dataframe_records" || k === "instances" || k === "inputs") {
      if (key !== undefined) throw formatError();
      key = k;
    }
  }
  const plan = inputPlan(signature);
  const maxRows = options?.maxRows;
  const payload = (body as Obj)[key as string];
  switch (key) {
    case "dataframe_split":
      return fromSplit(payload, plan, maxRows);
    case "dataframe_records":
      if (!Array.isArray(payload)) throw badRequest("'dataframe_records' must be a list of objects, one per row.");
      return fromRows(payload, plan, maxRows, "dataframe_records", true);
    case "instances":
      if (!Array.isArray(payload)) throw badRequest("'instances' must be a list of rows (objects or lists).");
      return fromRows(payload, plan, maxRows, "instances", false);
    case "inputs":
      if (Array.isArray(payload)) return fromRows(payload, plan, maxRows, "inputs", false);
      if (payload !== null && typeof payload === "object") return fromColumnar(payload as Obj, plan, maxRows);
      throw badRequest("'inputs' must be an object of columns ({\"col\": [...]}) or a list of rows.");
    default:
      throw formatError();
  }
}

function formatError() {
  return badRequest(`${REQUIRED_INPUT_FORMAT} ${SCORING_PROTOCOL_CHANGE_INFO}`);
}

function fromSplit(payload: unknown, plan: InputPlan, maxRows: number | undefined): Table {
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    throw badRequest("'dataframe_split' must be an object with 'columns' and 'data'.");
  }
  const { columns, data } = payload as Obj;
  if (!Array.isArray(data)) throw badRequest("'dataframe_split.data' must be a list of rows (lists).");
  const n = data.length;
  checkRowCount(n, maxRows);
  const k = plan.names.length;
  let width = k;
  let from: number[] | undefined;
  if (columns !== undefined) {
    if (!Array.isArray(columns)) throw badRequest("'dataframe_split.columns' must be a list of column names.");
    width = columns.length;
    from = new Array(k);
    let missing: string[] | undefined;
    for (let i = 0; i < k; i++) {
      const j = columns.indexOf(plan.names[i]);
      if (j < 0 && !plan.optional[i]) missing = pushTo(missing, plan.names[i] as string);
      from[i] = j;
    }
    if (missing) throw missingInputs(missing);
  }
  const b = new TableBuilder(plan, n);
  for (let r = 0; r < n; r++) {
    const row = data[r];
    if (!Array.isArray(row) || row.length !== width) {
      throw badRequest(
        `'dataframe_split.data' row ${r} must be a list of ${width} values${from ? " (one per column)" : ` (${plan.listing}, in that order)`}.`,
      );
    }
    if (from) for (let i = 0; i < k; i++) b.setValue(i, r, row[from[i] as number]);
    else for (let i = 0; i < k; i++) b.setValue(i, r, row[i]);
  }
  return b.finish();
}

/** Rows that are records, positional lists, or (one-input signatures, not records-only) scalars. */
function fromRows(rows: unknown[], plan: InputPlan, maxRows: number | undefined, key: string, recordsOnly: boolean) {
  const n = rows.length;
  checkRowCount(n, maxRows);
  const k = plan.names.length;
  const b = new TableBuilder(plan, n);
  // Inputs seen in at least one record row (positional and scalar rows supply every input).
  const seen = new Uint8Array(k);
  let allSeen = false;
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    if (row !== null && typeof row === "object") {
      if (!Array.isArray(row)) {
        for (let i = 0; i < k; i++) {
          const v = field(plan, row as Obj, i);
          if (v !== undefined) seen[i] = 1;
          b.setValue(i, r, v);
        }
        continue;
      }
      if (!recordsOnly) {
        if (row.length !== k) {
          throw badRequest(
            `'${key}' row ${r} has ${row.length} values; expected ${k} (${plan.listing}, in that order).`,
          );
        }
        for (let i = 0; i < k; i++) b.setValue(i, r, row[i]);
        allSeen = true;
        continue;
      }
    } else if (!recordsOnly && k === 1) {
      b.setValue(0, r, row);
      allSeen = true;
      continue;
    }
    throw badRequest(
      recordsOnly
        ? `'${key}' row ${r} must be an object of column values.`
        : `'${key}' row ${r} must be an object of column values or a list of ${k} values (${plan.listing}).`,
    );
  }
  if (!allSeen) {
    let missing: string[] | undefined;
    for (let i = 0; i < k; i++)
      if (seen[i] === 0 && !plan.optional[i]) missing = pushTo(missing, plan.names[i] as string);
    if (missing) throw missingInputs(missing);
  }
  return b.finish();
}

/** TF-serving columnar `inputs`: `{col: [v0, v1, ...]}`; every input's list has the same length. */
function fromColumnar(cols: Obj, plan: InputPlan, maxRows: number | undefined): Table {
  const k = plan.names.length;
  const lists: unknown[][] = new Array(k);
  let missing: string[] | undefined;
  let n = -1;
  for (let i = 0; i < k; i++) {
    const v = field(plan, cols, i);
    if (v === undefined) {
      if (!plan.optional[i]) missing = pushTo(missing, plan.names[i] as string);
      continue;
    }
    if (!Array.isArray(v)) throw badRequest(`'inputs' column '${plan.names[i]}' must be a list of values.`);
    if (n < 0) n = v.length;
    else if (v.length !== n) {
      throw badRequest(`'inputs' column '${plan.names[i]}' has ${v.length} values; the other columns have ${n}.`);
    }
    lists[i] = v;
  }
  if (missing) throw missingInputs(missing);
  checkRowCount(Math.max(n, 0), maxRows);
  const b = new TableBuilder(plan, n);
  for (let i = 0; i < k; i++) {
    const list = lists[i];
    for (let r = 0; r < n; r++) b.setValue(i, r, list?.[r]);
  }
  return b.finish();
}
