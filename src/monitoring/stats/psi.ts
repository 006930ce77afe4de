/**
 * Population stability index over binned counts, with Evidently's zero handling: a bin's share of
 * 0 becomes 0.0001, or min-non-zero-share / 1e6 when the smallest non-zero share is ≤ 0.0001
 * (each side on its own), so an empty bin gives a large but finite term.
 */
import { pairwiseSum } from "./numeric.js";
import { filledShares } from "./shares.js";

/** PSI = Σ (ref% − cur%) · ln(ref% / cur%) over bins aligned by index. */
export function psi(reference: readonly number[], current: readonly number[]): number {
  if (reference.length !== current.length)
    throw new RangeError(`PSI needs aligned bins: ${reference.length} reference vs ${current.length} current`);
  const ref = filledShares(reference);
  const cur = filledShares(current);
  // numpy's summation order, as Evidently sums with np.sum.
  return pairwiseSum(ref.map((r, i) => (r - (cur[i] as number)) * Math.log(r / (cur[i] as number))));
}
