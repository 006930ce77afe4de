/**
 * Evidently's normed Wasserstein distance: `scipy.stats.wasserstein_distance(ref, cur)` divided by
 * max(np.std(ref), 0.001), computed from sorted samples by one merge.
 */

/** Evidently's floor on the reference std, so a constant reference still gives a finite distance. */
export const MIN_STD = 0.001;

/**
 * W1(a, b) = ∫ |F_a − F_b| over the merged sorted values: one merge that, at each distinct value,
 * has consumed every copy on both sides (so i/n1 and j/n2 are the CDFs there) and adds the CDF gap
 * times the distance to the next value, summed with Neumaier's compensation. No term array: on
 * 1M + 1M values that array (16 MB) and numpy's pairwise order cost more than the merge itself; the
 * compensated sum is at least as accurate (the golden cases agree with SciPy to ~1e-16).
 */
export function wassersteinDistance(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError("wasserstein_distance needs two non-empty samples");
  let i = 0;
  let j = 0;
  let sum = 0;
  let comp = 0;
  let v = Math.min(a[0] as number, b[0] as number);
  for (;;) {
    while (i < n1 && (a[i] as number) <= v) i++;
    while (j < n2 && (b[j] as number) <= v) j++;
    if (i >= n1 && j >= n2) break;
    const u = i >= n1 ? (b[j] as number) : j >= n2 ? (a[i] as number) : Math.min(a[i] as number, b[j] as number);
    const x = Math.abs(i / n1 - j / n2) * (u - v);
    const t = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
    v = u;
  }
  return sum + comp;
}

/** Population standard deviation (np.std, ddof = 0), two-pass with compensated sums. */
export function populationStd(values: Float64Array): number {
  const n = values.length;
  const mean = compensatedSum(values, 0) / n;
  return Math.sqrt(compensatedSum(values, mean, true) / n);
}

/** Neumaier's compensated Σ x, or Σ (x − shift)² when `squares` is set. */
function compensatedSum(values: Float64Array, shift: number, squares = false): number {
  let sum = 0;
  let comp = 0;
  for (let i = 0; i < values.length; i++) {
    const d = (values[i] as number) - shift;
    const x = squares ? d * d : d;
    const t = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + comp;
}

// A prepared reference is compared with window after window: its std is computed once.
const stdOf = new WeakMap<Float64Array, number>();

/** Evidently's `wasserstein` statistic: W1(ref, cur) / max(std(ref), 0.001). */
export function normedWasserstein(reference: Float64Array, current: Float64Array): number {
  const distance = wassersteinDistance(reference, current);
  let std = stdOf.get(reference);
  if (std === undefined) {
    std = populationStd(reference);
    stdOf.set(reference, std);
  }
  return distance / Math.max(std, MIN_STD);
}
