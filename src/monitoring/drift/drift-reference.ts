/**
 * The reference side of a drift comparison, prepared once (sorted numbers, category counts, null
 * counts, extremes) so every later comparison reuses it, and small enough (optionally sampled) to
 * be stored with a model package.
 */
import { seededRandom } from "../../core/random.js";
import type { Column, LogicalType, Table } from "../../data/table.js";
import type { ColumnKind } from "../stats/index.js";
import { sortedSample } from "../stats/index.js";
import { kindOf, TIMESTAMP_SKIPPED } from "./column-kind.js";

export type { DriftReferenceJson, ReferenceColumnJson } from "./drift-reference-json.js";
export { referenceFromJson, referenceToJson } from "./drift-reference-json.js";

/** One reference column, ready for the tests. */
export interface ReferenceColumn {
  name: string;
  type: LogicalType;
  /** How the tests treat it; null when it is not tested (see `skipped`). */
  kind: ColumnKind | null;
  /** Why the column is not tested (timestamps). */
  skipped?: string;
  /** Rows of the whole reference, and how many of them are null (before any sampling). */
  rows: number;
  nulls: number;
  /** Numerical: the extremes of every finite value (before any sampling); absent when there is none. */
  min?: number;
  max?: number;
  /** Numerical: the finite non-null values (of the sample, when sampled), ascending. */
  sorted?: Float64Array;
  /** Categorical: value → count (of the sample, when sampled); booleans as "true"/"false". */
  counts?: Map<string, number>;
}

/** A prepared reference. */
export interface DriftReference {
  rows: number;
  /** Rows the values and counts come from, when they come from a sample of `rows`. */
  sampleRows?: number;
  columns: ReferenceColumn[];
}

/** Sampling for {@link prepareReference}. */
export interface PrepareReferenceOptions {
  /** Keep the values of at most this many rows (a seeded sample); default: every row. */
  maxSample?: number;
  /** Seed of the sample (default 1). */
  seed?: number;
}

/** Prepare `table` as a drift reference. */
export function prepareReference(table: Table, opts: PrepareReferenceOptions = {}): DriftReference {
  const rows = table.numRows;
  const sample = sampleRows(rows, opts.maxSample, opts.seed ?? 1);
  return {
    rows,
    ...(sample ? { sampleRows: sample.length } : {}),
    columns: table.columns.map((c) => prepareColumn(c, sample)),
  };
}

/** One column's statistics; `rows` limits values and counts to those rows (all when undefined). */
export function prepareColumn(c: Column, rows?: Uint32Array): ReferenceColumn {
  const kind = kindOf(c.type);
  const base = { name: c.name, type: c.type, kind, rows: c.length, nulls: nullCount(c) };
  if (c.type === "timestamp") return { ...base, skipped: TIMESTAMP_SKIPPED };
  if (c.type === "string" || c.type === "bool") return { ...base, counts: categoryCounts(c, rows) };
  const sorted = sortedValues(c, rows);
  const out: ReferenceColumn = { ...base, sorted };
  // The extremes are of every row, so a sample needs its own pass over the column.
  const [min, max] = rows ? extremes(c) : [sorted[0], sorted[sorted.length - 1]];
  if (min !== undefined && max !== undefined) Object.assign(out, { min, max });
  return out;
}

function extremes(c: Column & { values: Float64Array }): [number | undefined, number | undefined] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let any = false;
  for (let i = 0; i < c.length; i++) {
    const v = c.values[i] as number;
    if (!Number.isFinite(v) || c.nulls?.[i] === 1) continue;
    any = true;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return any ? [lo, hi] : [undefined, undefined];
}

/** Nulls of a column: the mask, code -1 and NaN all count. */
export function nullCount(c: Column): number {
  let n = 0;
  const nulls = c.nulls;
  if (c.type === "string") {
    for (let i = 0; i < c.length; i++) if ((c.codes[i] as number) < 0 || nulls?.[i] === 1) n++;
  } else if (c.type === "bool") {
    if (nulls) for (let i = 0; i < c.length; i++) n += nulls[i] as number;
  } else {
    for (let i = 0; i < c.length; i++) if (Number.isNaN(c.values[i] as number) || nulls?.[i] === 1) n++;
  }
  return n;
}

/** The finite non-null numbers of a column (of `rows` only, when given), ascending. */
export function sortedValues(c: Column & { values: Float64Array }, rows?: Uint32Array): Float64Array {
  if (!rows && !c.nulls) return sortedSample(c.values);
  const n = rows ? rows.length : c.length;
  const out = new Float64Array(n);
  const { values, nulls } = c;
  let k = 0;
  for (let j = 0; j < n; j++) {
    const i = rows ? (rows[j] as number) : j;
    const v = values[i] as number;
    if (!Number.isNaN(v) && nulls?.[i] !== 1) out[k++] = v;
  }
  // Evidently drops ±Infinity with the nulls; sortedSample does the same.
  return sortedSample(out.subarray(0, k));
}

/** Non-null value counts of a string or bool column (of `rows` only, when given), in first-seen order. */
export function categoryCounts(c: Column, rows?: Uint32Array): Map<string, number> {
  const n = rows ? rows.length : c.length;
  const nulls = c.nulls;
  if (c.type === "bool") {
    let t = 0;
    let f = 0;
    for (let j = 0; j < n; j++) {
      const i = rows ? (rows[j] as number) : j;
      if (nulls?.[i] === 1) continue;
      if (c.values[i] === 1) t++;
      else f++;
    }
    const m = new Map<string, number>();
    if (f > 0) m.set("false", f);
    if (t > 0) m.set("true", t);
    return m;
  }
  if (c.type !== "string") throw new TypeError(`categoryCounts: '${c.name}' is ${c.type}`);
  // Counting codes first keeps the per-row work to one array increment.
  const byCode = new Float64Array(c.dictionary.length);
  for (let j = 0; j < n; j++) {
    const i = rows ? (rows[j] as number) : j;
    const code = c.codes[i] as number;
    if (code >= 0 && nulls?.[i] !== 1) byCode[code]++;
  }
  const m = new Map<string, number>();
  for (let k = 0; k < byCode.length; k++) {
    const count = byCode[k] as number;
    // A dictionary may repeat a string (after a merge), so add rather than set.
    if (count > 0) m.set(c.dictionary[k] as string, (m.get(c.dictionary[k] as string) ?? 0) + count);
  }
  return m;
}

/** A seeded sample of row indices, ascending; undefined when every row is kept. */
function sampleRows(rows: number, maxSample: number | undefined, seed: number): Uint32Array | undefined {
  if (maxSample === undefined || rows <= maxSample) return undefined;
  if (!Number.isInteger(maxSample) || maxSample < 1)
    throw new RangeError(`maxSample must be a positive integer, got ${maxSample}`);
  // A partial Fisher–Yates shuffle: the first maxSample slots are a uniform sample without replacement.
  const idx = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) idx[i] = i;
  const random = seededRandom(seed);
  for (let i = 0; i < maxSample; i++) {
    const j = i + Math.floor(random() * (rows - i));
    const t = idx[i] as number;
    idx[i] = idx[j] as number;
    idx[j] = t;
  }
  return idx.slice(0, maxSample).sort();
}
