import type { FeatureMatrix } from "../feature-matrix.js";

/** The bin code of a missing value; value bins are 0..254. */
export const MISSING_BIN = 255;
/** Histogram slots per feature (value bins plus the missing slot). */
export const BIN_SLOTS = 256;

/** Training data quantised once: row-major bin codes plus the per-feature cut points. */
export interface BinnedMatrix {
  readonly rows: number;
  readonly cols: number;
  /** `bins[row * cols + feature]`; row-major so a histogram pass reads each row's codes in one cache line. */
  readonly bins: Uint8Array;
  /** The same codes column-major (`colBins[feature * rows + row]`), for partitioning rows on one feature. */
  readonly colBins: Uint8Array;
  /** Per feature, increasing cut values: bin b holds `cuts[b-1] <= x < cuts[b]`. */
  readonly cuts: readonly Float64Array[];
}

// Beyond this many rows the quantiles come from an evenly strided sample (deterministic).
const SKETCH_ROWS = 1 << 17;

/** Quantile cut points of one feature (at most `maxBins - 1`), computed from its non-missing values. */
export function quantileCuts(column: Float64Array, maxBins: number): Float64Array {
  const step = Math.max(1, Math.floor(column.length / SKETCH_ROWS));
  const sample = new Float64Array(Math.ceil(column.length / step));
  let m = 0;
  for (let i = 0; i < column.length; i += step) {
    const v = column[i] as number;
    if (!Number.isNaN(v)) sample[m++] = v;
  }
  const sorted = sample.subarray(0, m).sort();
  const distinct = distinctUpTo(sorted, maxBins);
  if (distinct !== null) return distinct.subarray(1);
  const cuts: number[] = [];
  for (let q = 1; q < maxBins; q++) {
    const c = sorted[Math.floor((q * m) / maxBins)] as number;
    if (c > (cuts.length ? (cuts[cuts.length - 1] as number) : (sorted[0] as number))) cuts.push(c);
  }
  return Float64Array.from(cuts);
}

/** The distinct values of a sorted array, or null when there are more than `limit`. */
function distinctUpTo(sorted: Float64Array, limit: number): Float64Array | null {
  const out = new Float64Array(limit);
  let k = 0;
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number;
    if (k > 0 && v === out[k - 1]) continue;
    if (k === limit) return null;
    out[k++] = v;
  }
  return k === 0 ? new Float64Array(1) : out.subarray(0, k);
}

/** The bin of a value: how many cuts are `<= x` (so `x < cuts[b]` ⇔ bin <= b). */
export function binOf(cuts: Float64Array, x: number): number {
  if (Number.isNaN(x)) return MISSING_BIN;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cuts[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Quantises a feature matrix with up to `maxBin` value bins per feature (capped at 255). */
export function binMatrix(x: FeatureMatrix, maxBin: number): BinnedMatrix {
  const { rows, cols } = x;
  const maxBins = Math.min(maxBin, MISSING_BIN);
  const colBins = new Uint8Array(rows * cols);
  const cuts: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    const column = x.data.subarray(j * rows, (j + 1) * rows);
    const c = quantileCuts(column, maxBins);
    cuts.push(c);
    const out = colBins.subarray(j * rows, (j + 1) * rows);
    for (let i = 0; i < rows; i++) out[i] = binOf(c, column[i] as number);
  }
  return { rows, cols, bins: transpose(colBins, rows, cols), colBins, cuts };
}

/** Column-major to row-major, in row blocks so both sides stay in cache. */
function transpose(colBins: Uint8Array, rows: number, cols: number): Uint8Array {
  const bins = new Uint8Array(rows * cols);
  const BLOCK = 4096;
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = Math.min(rows, r0 + BLOCK);
    for (let j = 0; j < cols; j++) {
      const src = j * rows;
      for (let r = r0, o = r0 * cols + j; r < r1; r++, o += cols) bins[o] = colBins[src + r] as number;
    }
  }
  return bins;
}
