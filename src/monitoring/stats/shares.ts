/**
 * Counts as shares of their total, plain or with Evidently's zero filling (`get_binned_data` with
 * `feel_zeroes=True`): a share of 0 becomes 0.0001, or min-non-zero-share / 1e6 when the smallest
 * non-zero share is ≤ 0.0001 (each side on its own).
 */

/** Each bin's share of the total (count / n, as Evidently divides by the sample length); NaN for an empty side. */
export function shares(counts: readonly number[]): number[] {
  let total = 0;
  for (const c of counts) total += c;
  if (!(total > 0)) return counts.map(() => Number.NaN);
  return counts.map((c) => c / total);
}

/** Shares with zeros filled as Evidently fills them; NaN for an empty side. */
export function filledShares(counts: readonly number[]): number[] {
  const s = shares(counts);
  let minNonZero = Number.POSITIVE_INFINITY;
  for (const x of s) if (x > 0 && x < minNonZero) minNonZero = x;
  const fill = minNonZero <= 0.0001 ? minNonZero / 1e6 : 0.0001;
  return s.map((x) => (x === 0 ? fill : x));
}
