/**
 * Reference-vs-current histograms for plots: 10 equal-width bins over both sides' range for
 * numbers (Evidently's DEFAULT_NBINSX), the most frequent categories for the rest.
 */
import type { ColumnHistogram } from "./drift-types.js";

/** Bins of a numerical plot. */
export const PLOT_BINS = 10;
/** Categories shown before the rest are lumped together. */
export const TOP_CATEGORIES = 10;

/** Histogram of two ascending samples over shared equal-width bins. */
export function numericHistogram(ref: Float64Array, cur: Float64Array, bins = PLOT_BINS): ColumnHistogram {
  const [lo, hi] = finiteRange(ref, cur);
  const edges = binEdges(lo, hi, bins);
  return { edges, reference: countBins(ref, edges), current: countBins(cur, edges) };
}

function finiteRange(a: Float64Array, b: Float64Array): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of [a, b]) {
    // Ascending, so the first and last finite values are the extremes.
    for (let i = 0; i < s.length; i++)
      if (Number.isFinite(s[i] as number)) {
        lo = Math.min(lo, s[i] as number);
        break;
      }
    for (let i = s.length - 1; i >= 0; i--)
      if (Number.isFinite(s[i] as number)) {
        hi = Math.max(hi, s[i] as number);
        break;
      }
  }
  return lo <= hi ? [lo, hi] : [0, 0];
}

/** numpy's rule: a degenerate range becomes [v − 0.5, v + 0.5]. */
function binEdges(lo: number, hi: number, bins: number): number[] {
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const step = (hi - lo) / bins;
  return Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + k * step));
}

/** Counts per bin [e_k, e_k+1), the last bin closed; values beyond the edges (±Infinity) go to the end bins. */
function countBins(sorted: Float64Array, edges: number[]): number[] {
  const bins = edges.length - 1;
  const out: number[] = [];
  let start = 0;
  for (let k = 1; k <= bins; k++) {
    const end = k === bins ? sorted.length : lowerBound(sorted, edges[k] as number);
    out.push(end - start);
    start = end;
  }
  return out;
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The `top` categories by combined share of both sides, the rest summed under one label. */
export function categoryHistogram(
  ref: Map<string, number>,
  cur: Map<string, number>,
  top = TOP_CATEGORIES,
): ColumnHistogram {
  const refTotal = total(ref);
  const curTotal = total(cur);
  const share = (k: string) =>
    (refTotal > 0 ? (ref.get(k) ?? 0) / refTotal : 0) + (curTotal > 0 ? (cur.get(k) ?? 0) / curTotal : 0);
  const all = [...new Set([...ref.keys(), ...cur.keys()])].sort((a, b) => share(b) - share(a) || cmp(a, b));
  const shown = all.length > top + 1 ? all.slice(0, top) : all;
  const labels = [...shown];
  const reference = shown.map((k) => ref.get(k) ?? 0);
  const current = shown.map((k) => cur.get(k) ?? 0);
  if (shown.length < all.length) {
    const rest = all.length - shown.length;
    labels.push(`other (${rest} more)`);
    reference.push(refTotal - sum(reference));
    current.push(curTotal - sum(current));
  }
  return { labels, reference, current };
}

function total(m: Map<string, number>): number {
  let t = 0;
  for (const v of m.values()) t += v;
  return t;
}

function sum(a: number[]): number {
  return a.reduce((x, y) => x + y, 0);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
