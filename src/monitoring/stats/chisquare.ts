/**
 * Evidently's `chisquare` test: categories are the union of both sides, expected = reference count ×
 * (n_cur / n_ref), observed = current count, p = `scipy.stats.chisquare(observed, expected)`. A
 * category seen only in current has expected 0, so its term and χ² are ∞ and p = 0, as in SciPy.
 */
import { chi2Sf } from "./gamma.js";
import { pairwiseSum } from "./numeric.js";

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
}

/** χ² of current counts against reference counts rescaled to the current total; k − 1 degrees of freedom. */
export function chiSquareTest<K>(reference: ReadonlyMap<K, number>, current: ReadonlyMap<K, number>): ChiSquareResult {
  const keys = [...new Set([...reference.keys(), ...current.keys()])];
  const nRef = pairwiseSum([...reference.values()]);
  const nCur = pairwiseSum([...current.values()]);
  if (!(nRef > 0) || !(nCur > 0)) throw new RangeError("chisquare needs two non-empty samples");
  const scale = nCur / nRef;
  const terms = keys.map((key) => {
    const expected = (reference.get(key) ?? 0) * scale;
    const observed = current.get(key) ?? 0;
    // Expected 0 with observed > 0 divides by zero: ∞, as numpy gives it.
    return expected === 0 ? Number.POSITIVE_INFINITY : (observed - expected) ** 2 / expected;
  });
  const statistic = pairwiseSum(terms);
  // One category leaves 0 degrees of freedom: SciPy's chi2.sf gives NaN there.
  return { statistic, pValue: chi2Sf(statistic, keys.length - 1) };
}
