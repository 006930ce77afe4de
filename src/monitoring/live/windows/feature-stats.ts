/**
 * Mergeable statistics of one input over a bucket of logged rows: category counts, or for numbers
 * null and non-finite counts, extremes and a histogram on the reference's bins. Sums of these are
 * what a full scan of the same rows would count.
 */
import type { Column } from "../../../data/table.js";
import type { FeatureSpec } from "./aggregate-spec.js";
import { binOf } from "./aggregate-spec.js";

/** Most distinct categories a stored bucket keeps per input; the rest are counted in `other`. */
export const MAX_CATEGORIES = 256;

export interface CategoricalStats {
  kind: "categorical";
  type: "string" | "bool";
  /** Rows counted (null or not). */
  rows: number;
  nulls: number;
  counts: Map<string, number>;
  /** Non-null values beyond {@link MAX_CATEGORIES} distinct ones in a stored bucket. */
  other: number;
}

export interface NumericStats {
  kind: "numerical";
  type: "int" | "float";
  rows: number;
  /** Null or NaN. */
  nulls: number;
  /** ±Infinity: not null, but left out of the tests (as the drift report does). */
  nonFinite: number;
  /** Extremes of the finite values (±Infinity when there is none). */
  min: number;
  max: number;
  /** The reference's bin edges and counts per bin, below the first edge and above the last. */
  edges: number[] | null;
  bins: number[] | null;
  below: number;
  above: number;
}

export type FeatureStats = CategoricalStats | NumericStats;

/** Empty statistics for an input. */
export function emptyStats(f: FeatureSpec): FeatureStats {
  if (f.kind === "categorical") {
    return { kind: "categorical", type: f.type as "string" | "bool", rows: 0, nulls: 0, counts: new Map(), other: 0 };
  }
  const edges = f.edges ? [...f.edges] : null;
  return {
    kind: "numerical",
    type: f.type as "int" | "float",
    rows: 0,
    nulls: 0,
    nonFinite: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    edges,
    bins: edges ? new Array<number>(edges.length - 1).fill(0) : null,
    below: 0,
    above: 0,
  };
}

/** Count row `i` of `c` (the logged table's column for this input), by the drift report's cell rules. */
export function addCell(s: FeatureStats, c: Column, i: number): void {
  s.rows++;
  if (s.kind === "categorical") {
    const v = categoryAt(c, i);
    if (v === undefined) s.nulls++;
    else s.counts.set(v, (s.counts.get(v) ?? 0) + 1);
    return;
  }
  const v = c.type === "int" || c.type === "float" ? (c.values[i] as number) : Number.NaN;
  if (Number.isNaN(v) || c.nulls?.[i] === 1) {
    s.nulls++;
    return;
  }
  if (!Number.isFinite(v)) {
    s.nonFinite++;
    return;
  }
  if (v < s.min) s.min = v;
  if (v > s.max) s.max = v;
  if (!s.edges || !s.bins) return;
  const b = binOf(s.edges, v);
  if (b < 0) s.below++;
  else if (b >= s.bins.length) s.above++;
  else s.bins[b]++;
}

/** A categorical cell as the drift report counts it (booleans as "true"/"false"); undefined when null. */
export function categoryAt(c: Column, i: number): string | undefined {
  if (c.nulls?.[i] === 1) return undefined;
  if (c.type === "string") {
    const code = c.codes[i] as number;
    return code < 0 ? undefined : (c.dictionary[code] as string);
  }
  if (c.type === "bool") return c.values[i] === 1 ? "true" : "false";
  return undefined;
}

/** A finite numerical cell, or undefined (null, NaN, ±Infinity). */
export function finiteAt(c: Column, i: number): number | undefined {
  if (c.type !== "int" && c.type !== "float") return undefined;
  const v = c.values[i] as number;
  return Number.isFinite(v) && c.nulls?.[i] !== 1 ? v : undefined;
}

/**
 * Add `from` into `into` (same input). Histograms on different bins cannot be added: the result
 * keeps none (readers then say so). `cap` bounds the categories kept (stored buckets).
 */
export function mergeStats(into: FeatureStats, from: FeatureStats, cap = Number.POSITIVE_INFINITY): void {
  if (from.rows === 0) return;
  const wasEmpty = into.rows === 0;
  into.rows += from.rows;
  into.nulls += from.nulls;
  if (into.kind === "categorical" && from.kind === "categorical") {
    for (const [k, n] of from.counts) into.counts.set(k, (into.counts.get(k) ?? 0) + n);
    into.other += from.other;
    if (into.counts.size > cap) capCategories(into, cap);
    return;
  }
  if (into.kind !== "numerical" || from.kind !== "numerical") {
    throw new TypeError("cannot merge categorical and numerical statistics");
  }
  into.nonFinite += from.nonFinite;
  into.min = Math.min(into.min, from.min);
  into.max = Math.max(into.max, from.max);
  into.below += from.below;
  into.above += from.above;
  if (wasEmpty) {
    into.edges = from.edges ? [...from.edges] : null;
    into.bins = from.bins ? [...from.bins] : null;
  } else if (into.bins && from.bins && sameEdges(into.edges, from.edges)) {
    for (let k = 0; k < into.bins.length; k++) (into.bins[k] as number) += from.bins[k] as number;
  } else {
    into.edges = null;
    into.bins = null;
  }
}

/** Keep the `cap` most frequent categories; count the others' rows in `other`. */
function capCategories(s: CategoricalStats, cap: number): void {
  const sorted = [...s.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [k, n] of sorted.slice(cap)) {
    s.counts.delete(k);
    s.other += n;
  }
}

function sameEdges(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((x, i) => x === b[i]);
}

/** A deep copy (merging into a copy leaves the original as it was). */
export function copyStats(s: FeatureStats): FeatureStats {
  if (s.kind === "categorical") return { ...s, counts: new Map(s.counts) };
  return { ...s, edges: s.edges ? [...s.edges] : null, bins: s.bins ? [...s.bins] : null };
}
