/**
 * The stored form of a {@link DriftReference}: plain JSON (snake_case), numbers as arrays, sorted
 * values run-length encoded (`values` distinct ascending, `repeats` their counts), so a reference
 * can live in a model package as `drift-reference.json`.
 */
import { invalidParam } from "../../core/errors.js";
import { LOGICAL_TYPES, type LogicalType } from "../../data/table.js";
import { kindOf } from "./column-kind.js";
import type { DriftReference, ReferenceColumn } from "./drift-reference.js";

export const DRIFT_REFERENCE_FORMAT = "modelworks.drift_reference";

/** One column as stored. */
export interface ReferenceColumnJson {
  name: string;
  type: LogicalType;
  kind: ReferenceColumn["kind"];
  skipped?: string;
  rows: number;
  nulls: number;
  /** Non-finite extremes (±Infinity) are written as the strings "Infinity" / "-Infinity". */
  min?: number | string;
  max?: number | string;
  values?: (number | string)[];
  /** How often each of `values` occurs; absent when none repeats. */
  repeats?: number[];
  categories?: string[];
  counts?: number[];
}

/** A whole reference as stored. */
export interface DriftReferenceJson {
  format: typeof DRIFT_REFERENCE_FORMAT;
  version: 1;
  rows: number;
  sample_rows?: number;
  columns: ReferenceColumnJson[];
}

/** The reference as JSON-able plain values. */
export function referenceToJson(ref: DriftReference): DriftReferenceJson {
  return {
    format: DRIFT_REFERENCE_FORMAT,
    version: 1,
    rows: ref.rows,
    ...(ref.sampleRows !== undefined ? { sample_rows: ref.sampleRows } : {}),
    columns: ref.columns.map(columnToJson),
  };
}

function columnToJson(c: ReferenceColumn): ReferenceColumnJson {
  const out: ReferenceColumnJson = { name: c.name, type: c.type, kind: c.kind, rows: c.rows, nulls: c.nulls };
  if (c.skipped !== undefined) out.skipped = c.skipped;
  if (c.min !== undefined) out.min = num(c.min);
  if (c.max !== undefined) out.max = num(c.max);
  if (c.sorted) Object.assign(out, runLength(c.sorted));
  if (c.counts) {
    out.categories = [...c.counts.keys()];
    out.counts = [...c.counts.values()];
  }
  return out;
}

function runLength(sorted: Float64Array): { values: (number | string)[]; repeats?: number[] } {
  const values: (number | string)[] = [];
  const repeats: number[] = [];
  for (let i = 0; i < sorted.length; ) {
    const v = sorted[i] as number;
    let j = i + 1;
    while (j < sorted.length && sorted[j] === v) j++;
    values.push(num(v));
    repeats.push(j - i);
    i = j;
  }
  return repeats.some((r) => r > 1) ? { values, repeats } : { values };
}

/** JSON has no Infinity; keep it as text instead of letting it become null. */
function num(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

/** Parse a stored reference (from {@link referenceToJson}); errors name the bad field. */
export function referenceFromJson(doc: unknown): DriftReference {
  const o = obj(doc, "drift reference");
  if (o.format !== DRIFT_REFERENCE_FORMAT) fail("format", `expected '${DRIFT_REFERENCE_FORMAT}'`);
  if (o.version !== 1) fail("version", "expected 1");
  if (!Array.isArray(o.columns)) fail("columns", "expected an array");
  const ref: DriftReference = {
    rows: count(o.rows, "rows"),
    columns: o.columns.map((c, i) => columnFromJson(c, `columns[${i}]`)),
  };
  if (o.sample_rows !== undefined) ref.sampleRows = count(o.sample_rows, "sample_rows");
  return ref;
}

function columnFromJson(doc: unknown, path: string): ReferenceColumn {
  const o = obj(doc, path);
  if (typeof o.name !== "string") fail(`${path}.name`, "expected a string");
  const type = o.type as LogicalType;
  if (!LOGICAL_TYPES.includes(type)) fail(`${path}.type`, `expected one of ${LOGICAL_TYPES.join(", ")}`);
  const c: ReferenceColumn = {
    name: o.name,
    type,
    kind: kindOf(type),
    rows: count(o.rows, `${path}.rows`),
    nulls: count(o.nulls, `${path}.nulls`),
  };
  if (o.skipped !== undefined) c.skipped = String(o.skipped);
  if (o.min !== undefined) c.min = parseNum(o.min, `${path}.min`);
  if (o.max !== undefined) c.max = parseNum(o.max, `${path}.max`);
  if (c.kind === "numerical") c.sorted = sortedFromJson(o, path);
  if (c.kind === "categorical") c.counts = countsFromJson(o, path);
  return c;
}

function sortedFromJson(o: Record<string, unknown>, path: string): Float64Array {
  const values = array(o.values ?? [], `${path}.values`).map((v, i) => parseNum(v, `${path}.values[${i}]`));
  const repeats =
    o.repeats === undefined
      ? values.map(() => 1)
      : array(o.repeats, `${path}.repeats`).map((r, i) => count(r, `${path}.repeats[${i}]`));
  if (repeats.length !== values.length) fail(`${path}.repeats`, "expected one count per value");
  const out = new Float64Array(repeats.reduce((a, b) => a + b, 0));
  let k = 0;
  values.forEach((v, i) => {
    if (i > 0 && !(v > (values[i - 1] as number))) fail(`${path}.values[${i}]`, "expected ascending distinct values");
    out.fill(v, k, k + (repeats[i] as number));
    k += repeats[i] as number;
  });
  return out;
}

function countsFromJson(o: Record<string, unknown>, path: string): Map<string, number> {
  const categories = array(o.categories ?? [], `${path}.categories`);
  const counts = array(o.counts ?? [], `${path}.counts`);
  if (categories.length !== counts.length) fail(`${path}.counts`, "expected one count per category");
  const m = new Map<string, number>();
  categories.forEach((k, i) => {
    if (typeof k !== "string") fail(`${path}.categories[${i}]`, "expected a string");
    m.set(k, count(counts[i], `${path}.counts[${i}]`));
  });
  return m;
}

function fail(path: string, message: string): never {
  throw invalidParam(`Invalid drift reference: ${path}: ${message}`);
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, "expected an object");
  return v as Record<string, unknown>;
}

function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, "expected an array");
  return v;
}

function count(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) fail(path, "expected a non-negative integer");
  return v;
}

function parseNum(v: unknown, path: string): number {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (v === "Infinity") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
  return fail(path, "expected a number");
}
