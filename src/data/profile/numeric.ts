/**
 * Numeric summaries computed straight over a column's Float64Array, skipping nulls and NaN in
 * each pass: no per-column copy of present values (on this VM the first write to fresh memory
 * costs ~3 ms/MB, so copying 8 MB per column cost more than the statistics themselves).
 */
import { selectRanks, selectRanksWithHistogram } from "./select.js";

/** The quantile points every numeric profile reports, as fractions. */
export const QUANTILE_POINTS = [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1] as const;
/** The keys of {@link QUANTILE_POINTS} in a profile. */
export const QUANTILE_KEYS = ["p0", "p1", "p5", "p25", "p50", "p75", "p95", "p99", "p100"] as const;
export type QuantileKey = (typeof QUANTILE_KEYS)[number];

/** Equal-width histogram: `edges.length === counts.length + 1`; the last bin includes its right edge. */
export interface Histogram {
  edges: number[];
  counts: number[];
}

/** Min, max, mean, sample std (ddof=1), quantiles and histogram of present numeric values. */
export interface NumericStats {
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
  quantiles: Record<QuantileKey, number> | null;
  histogram: Histogram;
}

/** Count, extremes and sum of the present (non-null, non-NaN) values of a column. */
export interface Moments {
  n: number;
  min: number;
  max: number;
  sum: number;
}

/** One pass over `values` (skipping nulls and NaN): count, min, max and sum. */
export function moments(values: Float64Array, nulls: Uint8Array | undefined): Moments {
  let n = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  const len = values.length;
  if (nulls === undefined) {
    for (let i = 0; i < len; i++) {
      const v = values[i] as number;
      if (Number.isNaN(v)) continue;
      n++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  } else {
    for (let i = 0; i < len; i++) {
      const v = values[i] as number;
      if (Number.isNaN(v) || nulls[i] === 1) continue;
      n++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { n, min, max, sum };
}

/** Copies present (non-null, non-NaN) values into `out`; returns how many. */
export function compact(values: Float64Array, nulls: Uint8Array | undefined, out: Float64Array): number {
  let n = 0;
  const len = values.length;
  for (let i = 0; i < len; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v) || (nulls !== undefined && nulls[i] === 1)) continue;
    out[n++] = v;
  }
  return n;
}

/**
 * Full numeric statistics of the present values of `values` (as summarised by `m`). The column is
 * never modified; only small or degenerate columns are copied (into `scratch(n)`) for selection.
 */
export function numericStats(
  values: Float64Array,
  nulls: Uint8Array | undefined,
  m: Moments,
  bins: number,
  scratch: (n: number) => Float64Array,
): NumericStats {
  const { n, min, max, sum } = m;
  if (n === 0)
    return { min: null, max: null, mean: null, std: null, quantiles: null, histogram: { edges: [], counts: [] } };
  const mean = sum / n;
  const range = max - min;
  if (range === 0) {
    // Every present value equals min: no selection needed.
    const q = quantiles(n, (ranks) => ranks.map(() => min));
    const sq = sumSquares(values, nulls, mean);
    return { min, max, mean, std: std(sq, n), quantiles: q, histogram: { edges: [min - 0.5, min + 0.5], counts: [n] } };
  }
  if (!(range > 0) || !Number.isFinite(range) || n <= SMALL) {
    const a = scratch(n);
    compact(values, nulls, a);
    const sq = sumSquares(a.subarray(0, n), undefined, mean);
    const q = quantiles(n, (ranks) => selectRanks(a, n, ranks));
    return { min, max, mean, std: std(sq, n), quantiles: q, histogram: smallHistogram(a, n, min, max, bins) };
  }
  // One pass yields the spread and a histogram fine enough both to locate quantile ranks and to
  // sum exactly into the `bins` equal-width bins reported.
  const fine = new Int32Array(bins * FINE_PER_BIN);
  const scale = fine.length / range;
  const sq = spreadAndFineHistogram(values, nulls, mean, min, scale, fine);
  const q = quantiles(n, (ranks) => selectRanksWithHistogram(values, nulls, ranks, min, scale, fine));
  const counts = new Array<number>(bins).fill(0);
  for (let b = 0; b < fine.length; b++) counts[(b / FINE_PER_BIN) | 0] += fine[b] as number;
  return { min, max, mean, std: std(sq, n), quantiles: q, histogram: { edges: edges(min, max, bins), counts } };
}

const FINE_PER_BIN = 256;
const SMALL = 2048;

function std(sq: number, n: number): number | null {
  return n > 1 ? Math.sqrt(sq / (n - 1)) : null;
}

function sumSquares(values: Float64Array, nulls: Uint8Array | undefined, mean: number): number {
  let sq = 0;
  const len = values.length;
  for (let i = 0; i < len; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v) || (nulls !== undefined && nulls[i] === 1)) continue;
    const d = v - mean;
    sq += d * d;
  }
  return sq;
}

function spreadAndFineHistogram(
  values: Float64Array,
  nulls: Uint8Array | undefined,
  mean: number,
  min: number,
  scale: number,
  fine: Int32Array,
): number {
  const last = fine.length - 1;
  const len = values.length;
  let sq = 0;
  if (nulls === undefined) {
    for (let i = 0; i < len; i++) {
      const v = values[i] as number;
      if (Number.isNaN(v)) continue;
      const d = v - mean;
      sq += d * d;
      let b = (v - min) * scale;
      b = b >= last ? last : b | 0;
      fine[b]++;
    }
  } else {
    for (let i = 0; i < len; i++) {
      const v = values[i] as number;
      if (Number.isNaN(v) || nulls[i] === 1) continue;
      const d = v - mean;
      sq += d * d;
      let b = (v - min) * scale;
      b = b >= last ? last : b | 0;
      fine[b]++;
    }
  }
  return sq;
}

function smallHistogram(a: Float64Array, n: number, min: number, max: number, bins: number): Histogram {
  const range = max - min;
  if (!Number.isFinite(range)) return { edges: [], counts: [] };
  // A constant column gets numpy's one-unit-wide bin around the value.
  if (range === 0) return { edges: [min - 0.5, min + 0.5], counts: [n] };
  const counts = new Array<number>(bins).fill(0);
  const scale = bins / range;
  for (let i = 0; i < n; i++) {
    const b = ((a[i] as number) - min) * scale;
    counts[b >= bins - 1 ? bins - 1 : b | 0]++;
  }
  return { edges: edges(min, max, bins), counts };
}

function edges(min: number, max: number, bins: number): number[] {
  const out: number[] = [];
  for (let k = 0; k <= bins; k++) out.push(k === bins ? max : min + (k * (max - min)) / bins);
  return out;
}

/** Quantiles with linear interpolation between closest ranks (numpy's default, pandas' `quantile`). */
function quantiles(n: number, select: (ranks: number[]) => number[]): Record<QuantileKey, number> {
  const ranks = new Set<number>();
  for (const p of QUANTILE_POINTS) {
    const h = (n - 1) * p;
    ranks.add(Math.floor(h));
    ranks.add(Math.min(n - 1, Math.floor(h) + 1));
  }
  const sorted = [...ranks].sort((x, y) => x - y);
  const got = select(sorted);
  const at = new Map(sorted.map((r, i) => [r, got[i] as number]));
  const out = {} as Record<QuantileKey, number>;
  QUANTILE_POINTS.forEach((p, i) => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    const vlo = at.get(lo) as number;
    const vhi = at.get(Math.min(n - 1, lo + 1)) as number;
    out[QUANTILE_KEYS[i] as QuantileKey] = vlo + (h - lo) * (vhi - vlo);
  });
  return out;
}
