/**
 * Evidently's `z` test, a two-proportion z-test: values equal to the smallest category (sorted
 * order) count as 0, all others as 1; p = 2·(1 − Φ(|z|)) with the pooled standard error. When both
 * sides hold the same single value, p = 1.
 */
import { normalSf } from "./gamma.js";

export interface ZTestResult {
  statistic: number;
  pValue: number;
}

/** Two-proportion z-test on per-value counts; `compare` orders the keys (Python's `sorted`). */
export function zTest<K>(
  reference: ReadonlyMap<K, number>,
  current: ReadonlyMap<K, number>,
  compare: (x: K, y: K) => number,
): ZTestResult {
  const refKeys = [...reference.keys()].filter((k) => (reference.get(k) ?? 0) > 0);
  const curKeys = [...current.keys()].filter((k) => (current.get(k) ?? 0) > 0);
  if (refKeys.length === 0 || curKeys.length === 0) throw new RangeError("z test needs two non-empty samples");
  if (refKeys.length === 1 && curKeys.length === 1 && compare(refKeys[0] as K, curKeys[0] as K) === 0) {
    return { statistic: 0, pValue: 1 };
  }
  const first = [...new Set([...refKeys, ...curKeys])].sort(compare)[0] as K;
  const n1 = total(reference);
  const n2 = total(current);
  const p1 = (n1 - (reference.get(first) ?? 0)) / n1;
  const p2 = (n2 - (current.get(first) ?? 0)) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  // Evidently computes 2·(1 − cdf), not 2·sf: far tails round to exactly 0 as they do there.
  const cdf = 1 - normalSf(Math.abs(z));
  return { statistic: z, pValue: 2 * (1 - cdf) };
}

function total<K>(counts: ReadonlyMap<K, number>): number {
  let n = 0;
  for (const c of counts.values()) n += c;
  return n;
}
