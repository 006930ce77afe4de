/** Column access shared by fitting and transforming: numbers out of any non-string column, stats. */
import { invalidParam } from "../../core/errors.js";
import type { Column, StringColumn, Table } from "../../data/table.js";
import { type FeatureSpec, isCategorical } from "./spec.js";

/** A non-string column as float64 (bool → 0/1, timestamp → epoch ms), NaN where missing. */
export function numbersOf(c: Exclude<Column, StringColumn>): Float64Array {
  const out = Float64Array.from(c.values as ArrayLike<number>);
  if (c.nulls) for (let i = 0; i < out.length; i++) if (c.nulls[i] === 1) out[i] = Number.NaN;
  return out;
}

/** The column a spec needs, checked for kind; string-vs-number mismatches name the column. */
export function requireColumn(table: Table, spec: FeatureSpec): Column {
  const c = table.column(spec.name);
  if (!c) throw invalidParam(`missing column '${spec.name}' required by the preprocessor`);
  if (isCategorical(spec) && c.type !== "string")
    throw invalidParam(`column '${spec.name}' must be a string column (as in training), got ${c.type}`);
  if (!isCategorical(spec) && c.type === "string")
    throw invalidParam(`column '${spec.name}' must be numeric (${spec.type} in training), got string`);
  return c;
}

/** Every missing required column, reported at once. */
export function checkPresent(table: Table, specs: readonly FeatureSpec[]): void {
  const missing = specs.filter((s) => !table.column(s.name)).map((s) => `'${s.name}'`);
  if (missing.length === 1) throw invalidParam(`missing column ${missing[0]} required by the preprocessor`);
  if (missing.length > 1) throw invalidParam(`missing columns ${missing.join(", ")} required by the preprocessor`);
}

/** For each dictionary entry of `c`, its index in `categories`, or -1 when unseen in training. */
export function categoryIndexByCode(c: StringColumn, categories: readonly string[]): Int32Array {
  const index = categoryLookup(categories);
  const dict = c.dictionary;
  const out = new Int32Array(dict.length);
  for (let i = 0; i < dict.length; i++) out[i] = index.get(dict[i] as string) ?? -1;
  return out;
}

/** Category value → its index in a fitted category list (built once per list). */
export function categoryLookup(categories: readonly string[]): ReadonlyMap<string, number> {
  let index = categoryIndexes.get(categories);
  if (index === undefined) {
    index = new Map(categories.map((v, k) => [v, k]));
    categoryIndexes.set(categories, index);
  }
  return index;
}

// Fitted category lists never change, and serving maps every request through them: build each
// lookup once (weakly held, so it goes with its preprocessor).
const categoryIndexes = new WeakMap<readonly string[], Map<string, number>>();

/** Median of the finite values (NaN when there are none). */
export function medianOf(x: Float64Array): number {
  const finite = x.filter((v) => Number.isFinite(v)).sort();
  const n = finite.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? (finite[mid] as number) : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2;
}

/** Mean and population std (ddof 0, as scikit-learn's StandardScaler); std 0 becomes 1. */
export function meanStd(values: Float64Array): { mean: number; std: number } {
  // Summing in sorted order makes the result (and the model bytes) independent of row order.
  const x = values.slice().sort();
  let sum = 0;
  for (const v of x) sum += v;
  const mean = sum / x.length;
  let ss = 0;
  for (const v of x) ss += (v - mean) * (v - mean);
  const std = Math.sqrt(ss / x.length);
  return { mean, std: std > 0 && Number.isFinite(std) ? std : 1 };
}

/** Replace non-finite values by `fill` (in place). */
export function impute(x: Float64Array, fill: number): Float64Array {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i] as number)) x[i] = fill;
  return x;
}
