/**
 * Turning a column's values into what the tests take: a sorted numeric sample or per-category
 * counts, with Evidently's cleaning (NaN and ±∞ dropped, as its `replace([-inf, inf], nan).dropna()`).
 */
import { radixSortFloat64 } from "./sort.js";
import type { CategoricalSample, ColumnKind, ColumnSample, NumericSample } from "./stat-test.js";

/** Below this size the built-in sort beats the radix sort's fixed cost (measured crossover ≈ 8k). */
const RADIX_MIN = 8192;

/** The finite values, sorted ascending (NaN and ±∞ dropped, as Evidently drops them). */
export function sortedSample(values: Float64Array | readonly number[]): Float64Array {
  let kept = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) kept++;
  const out = new Float64Array(kept);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) out[k++] = v;
  }
  return out.length >= RADIX_MIN ? radixSortFloat64(out) : out.sort();
}

/** A numerical column's sample. */
export function numericSample(values: Float64Array | readonly number[]): NumericSample {
  return { kind: "numerical", sorted: sortedSample(values) };
}

/** A categorical column's sample: non-null values counted by their text (null, undefined and NaN skipped). */
export function categoricalSample(values: Iterable<unknown>): CategoricalSample {
  const counts = new Map<string, number>();
  for (const v of values) {
    if (v === null || v === undefined || (typeof v === "number" && Number.isNaN(v))) continue;
    const key = String(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { kind: "categorical", counts };
}

/** The sample for a column of the given kind (numbers for numerical; anything for categorical). */
export function sampleOf(values: Float64Array | readonly unknown[], kind: ColumnKind): ColumnSample {
  if (kind === "categorical") return categoricalSample(values);
  if (values instanceof Float64Array) return numericSample(values);
  const nums = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    nums[i] = typeof v === "number" ? v : Number.NaN;
  }
  return numericSample(nums);
}

/** The number of values in a sample. */
export function sampleSize(sample: ColumnSample): number {
  if (sample.kind === "numerical") return sample.sorted.length;
  let n = 0;
  for (const c of sample.counts.values()) n += c;
  return n;
}

/** Per-value counts: category text → count, or numeric value → count (−0 and 0 together, as pandas). */
export function valueCounts(sample: ColumnSample): Map<string | number, number> {
  if (sample.kind === "categorical") return new Map(sample.counts);
  const counts = new Map<number, number>();
  const s = sample.sorted;
  for (let i = 0; i < s.length; ) {
    const v = s[i] as number;
    let j = i + 1;
    while (j < s.length && s[j] === v) j++;
    counts.set(v === 0 ? 0 : v, j - i);
    i = j;
  }
  return counts;
}

/**
 * Distinct non-null values across both samples (Evidently's `n_values`), counting at most up to
 * `limit + 1`: the answer is exact when ≤ limit, otherwise some number > limit.
 */
export function countUnique(reference: ColumnSample, current: ColumnSample, limit: number): number {
  if (reference.kind === "numerical" && current.kind === "numerical") {
    return countUniqueSorted(reference.sorted, current.sorted, limit);
  }
  const seen = new Set<string | number>();
  for (const sample of [reference, current]) {
    for (const key of sample.kind === "categorical" ? sample.counts.keys() : valueCounts(sample).keys()) {
      seen.add(key);
      if (seen.size > limit) return seen.size;
    }
  }
  return seen.size;
}

/** Distinct values of two sorted arrays by one merge, stopping past `limit`. */
function countUniqueSorted(a: Float64Array, b: Float64Array, limit: number): number {
  let i = 0;
  let j = 0;
  let count = 0;
  while (i < a.length || j < b.length) {
    const v = i < a.length && (j >= b.length || (a[i] as number) <= (b[j] as number)) ? a[i] : b[j];
    while (i < a.length && a[i] === v) i++;
    while (j < b.length && b[j] === v) j++;
    if (++count > limit) return count;
  }
  return count;
}
