/**
 * Distances between binned distributions: Jensen–Shannon (Evidently's `jensenshannon`, no zero
 * filling), Kullback–Leibler (Evidently's `kl_div`, zero-filled) and L∞ (max share difference).
 * Bins are aligned by index; both take counts, as `binnedCounts` gives them.
 */
import { pairwiseSum } from "./numeric.js";
import { filledShares, shares } from "./shares.js";

function checkAligned(name: string, reference: readonly number[], current: readonly number[]): void {
  if (reference.length !== current.length) {
    throw new RangeError(`${name} needs aligned bins: ${reference.length} reference vs ${current.length} current`);
  }
}

/** `scipy.special.rel_entr(x, y)`: x·ln(x/y), 0 when x = 0, ∞ when y = 0 < x. */
function relEntr(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Number.POSITIVE_INFINITY;
}

/** Divides by the (numpy pairwise) total, as SciPy renormalizes its inputs. */
function normalized(values: readonly number[]): number[] {
  const total = pairwiseSum(values);
  return values.map((v) => v / total);
}

/**
 * `scipy.spatial.distance.jensenshannon(ref%, cur%)` (natural log): √(½·KL(p‖m) + ½·KL(q‖m)) with
 * m = (p + q)/2. Empty bins stay empty. NaN when either side is empty.
 */
export function jensenShannonDistance(reference: readonly number[], current: readonly number[]): number {
  checkAligned("Jensen–Shannon", reference, current);
  const p = normalized(shares(reference));
  const q = normalized(shares(current));
  const left = new Array<number>(p.length);
  const right = new Array<number>(p.length);
  for (let i = 0; i < p.length; i++) {
    const m = ((p[i] as number) + (q[i] as number)) / 2;
    left[i] = relEntr(p[i] as number, m);
    right[i] = relEntr(q[i] as number, m);
  }
  return Math.sqrt((pairwiseSum(left) + pairwiseSum(right)) / 2);
}

/** Evidently's `kl_div`: `scipy.stats.entropy(ref%, cur%)` on zero-filled shares (NaN for an empty side). */
export function klDivergence(reference: readonly number[], current: readonly number[]): number {
  checkAligned("KL divergence", reference, current);
  const p = normalized(filledShares(reference));
  const q = normalized(filledShares(current));
  const terms = p.map((x, i) => relEntr(x, q[i] as number));
  return pairwiseSum(terms);
}

/** L∞ distance: the largest absolute difference between the two sides' shares of a bin (NaN for an empty side). */
export function lInfinityDistance(reference: readonly number[], current: readonly number[]): number {
  checkAligned("L-infinity", reference, current);
  const p = shares(reference);
  const q = shares(current);
  let max = 0;
  for (let i = 0; i < p.length; i++) {
    const d = Math.abs((p[i] as number) - (q[i] as number));
    if (!(d <= max)) max = d; // NaN propagates
  }
  return max;
}
