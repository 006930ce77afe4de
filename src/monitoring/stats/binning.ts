/**
 * Evidently's `get_binned_data` binning, used by PSI, KL and Jensen–Shannon: a numerical column
 * with more than 20 distinct reference values gets `np.histogram_bin_edges(concat(ref, cur),
 * bins="sturges")` and `np.histogram` counts; anything else gets per-value counts over the union of
 * both sides' values. Edges and bin membership follow numpy's arithmetic exactly.
 */
import { countUnique, valueCounts } from "./sample.js";
import type { ColumnSample } from "./stat-test.js";

/** Reference and current counts over shared bins: numerical edges (bins + 1) or category labels. */
export interface BinnedCounts {
  labels?: string[];
  edges?: number[];
  reference: number[];
  current: number[];
}

/** Above this many distinct reference values a numerical column is histogrammed. */
const MAX_VALUES_PER_VALUE_BINS = 20;

/** Bins both samples as Evidently does; samples of different kinds are refused (RangeError). */
export function binnedCounts(reference: ColumnSample, current: ColumnSample): BinnedCounts {
  if (reference.kind !== current.kind) {
    throw new RangeError(`cannot bin a ${reference.kind} reference against a ${current.kind} current sample`);
  }
  if (
    reference.kind === "numerical" &&
    current.kind === "numerical" &&
    countUnique(reference, { kind: "numerical", sorted: new Float64Array(0) }, MAX_VALUES_PER_VALUE_BINS) >
      MAX_VALUES_PER_VALUE_BINS
  ) {
    const edges = sturgesEdges(reference.sorted, current.sorted);
    return { edges, reference: histogram(reference.sorted, edges), current: histogram(current.sorted, edges) };
  }
  return perValueCounts(reference, current);
}

/** `np.histogram_bin_edges(concat(a, b), bins="sturges")` for two sorted, non-empty-in-total samples. */
export function sturgesEdges(a: Float64Array, b: Float64Array): number[] {
  const size = a.length + b.length;
  if (size === 0) return [0, 1];
  let first = Math.min(a.length > 0 ? (a[0] as number) : Infinity, b.length > 0 ? (b[0] as number) : Infinity);
  let last = Math.max(
    a.length > 0 ? (a[a.length - 1] as number) : -Infinity,
    b.length > 0 ? (b[b.length - 1] as number) : -Infinity,
  );
  if (!Number.isFinite(last - first)) throw new RangeError(`cannot bin the range [${first}, ${last}]`);
  // Sturges' width is the data's range / (log2(size) + 1); a zero width means one bin.
  const width = (last - first) / (Math.log2(size) + 1);
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const bins = width ? Math.ceil((last - first) / width) : 1;
  return linspace(first, last, bins + 1);
}

/** `np.linspace(start, stop, num)`: i·step + start, the last point set to stop exactly. */
export function linspace(start: number, stop: number, num: number): number[] {
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  const out = new Array<number>(num);
  for (let i = 0; i < num; i++) out[i] = step === 0 ? (i / div) * delta + start : i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/**
 * `np.histogram(sorted, edges)[0]`: bin i holds edges[i] ≤ x < edges[i+1], the last bin also
 * x = edges[last] (numpy's searchsorted left on all edges but the last, right on the last).
 */
export function histogram(sorted: Float64Array, edges: readonly number[]): number[] {
  const bins = edges.length - 1;
  const below = new Array<number>(edges.length);
  let p = 0;
  for (let e = 0; e < bins; e++) {
    while (p < sorted.length && (sorted[p] as number) < (edges[e] as number)) p++;
    below[e] = p;
  }
  while (p < sorted.length && (sorted[p] as number) <= (edges[bins] as number)) p++;
  below[bins] = p;
  const counts = new Array<number>(bins);
  for (let i = 0; i < bins; i++) counts[i] = (below[i + 1] as number) - (below[i] as number);
  return counts;
}

/** Counts per value over the union of both sides' values (numbers ascending, text by code point). */
function perValueCounts(reference: ColumnSample, current: ColumnSample): BinnedCounts {
  const ref = valueCounts(reference);
  const cur = valueCounts(current);
  const keys = [...new Set([...ref.keys(), ...cur.keys()])];
  if (reference.kind === "numerical") keys.sort((x, y) => (x as number) - (y as number));
  else keys.sort((x, y) => compareCodePoints(String(x), String(y)));
  return {
    labels: keys.map((k) => String(k)),
    reference: keys.map((k) => ref.get(k) ?? 0),
    current: keys.map((k) => cur.get(k) ?? 0),
  };
}

/** Python's string order (by code point), which differs from `<` on UTF-16 for astral characters. */
export function compareCodePoints(x: string, y: string): number {
  const a = [...x];
  const b = [...y];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] as string).codePointAt(0)! - (b[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
