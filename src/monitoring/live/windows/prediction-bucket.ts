/**
 * The aggregate of one model version's answered predictions over one time bucket: row and bad-cell
 * counts, per-input statistics and a bounded row sample. Buckets of disjoint rows add up.
 */
import type { Table } from "../../../data/table.js";
import type { AggregateSpec } from "./aggregate-spec.js";
import type { FeatureStats } from "./feature-stats.js";
import { addCell, copyStats, emptyStats, finiteAt, MAX_CATEGORIES, mergeStats } from "./feature-stats.js";
import type { RowSample } from "./row-sample.js";
import { emptySample, mergeSamples, offerRow } from "./row-sample.js";

export interface PredictionBucket {
  rows: number;
  /** Logged values that could not be read back (they count as missing, as in a full scan). */
  badCells: number;
  features: Map<string, FeatureStats>;
  sample: RowSample;
}

/**
 * Sample capacities. A window's stratified sample is bounded by its thinnest bucket (kept / rows),
 * so a minute bucket keeps enough for a burst of traffic, an hour bucket enough for a day's window.
 */
export const SAMPLE_ROWS = { minute: 512, hour: 2048 } as const;

/** An empty bucket for a version's spec. */
export function emptyBucket(spec: AggregateSpec, capacity: number): PredictionBucket {
  const features = new Map(spec.features.map((f) => [f.name, emptyStats(f)]));
  const numeric = spec.features.filter((f) => f.kind === "numerical").map((f) => f.name);
  return { rows: 0, badCells: 0, features, sample: emptySample(numeric, capacity) };
}

/**
 * Add row `i` of a logged table (columns named after the spec's inputs) to `bucket`. `numeric`
 * holds the row's sampled values, `bad` its unreadable cells.
 */
export function addRow(
  bucket: PredictionBucket,
  table: Table,
  i: number,
  numeric: ArrayLike<number>,
  bad: number,
  random: () => number,
): void {
  bucket.rows++;
  bucket.badCells += bad;
  for (const [name, stats] of bucket.features) {
    const c = table.column(name);
    if (c) addCell(stats, c, i);
  }
  offerRow(bucket.sample, numeric, random);
}

/** Row `i`'s finite values of the sampled inputs (NaN for the others). */
export function sampledValues(table: Table, names: readonly string[], i: number, out: Float64Array): Float64Array {
  for (let k = 0; k < names.length; k++) {
    const c = table.column(names[k] as string);
    out[k] = c ? (finiteAt(c, i) ?? Number.NaN) : Number.NaN;
  }
  return out;
}

/** The sum of two buckets of disjoint rows (neither is changed); the sample keeps `capacity` rows. */
export function mergeBuckets(
  a: PredictionBucket,
  b: PredictionBucket,
  capacity: number,
  random: () => number,
  categoryCap = MAX_CATEGORIES,
): PredictionBucket {
  const features = new Map<string, FeatureStats>();
  for (const [name, s] of a.features) features.set(name, copyStats(s));
  for (const [name, s] of b.features) {
    const into = features.get(name);
    if (!into) features.set(name, copyStats(s));
    else if (into.kind === s.kind) mergeStats(into, s, categoryCap);
  }
  return {
    rows: a.rows + b.rows,
    badCells: a.badCells + b.badCells,
    features,
    sample: mergeSamples(a.sample, b.sample, capacity, random),
  };
}
