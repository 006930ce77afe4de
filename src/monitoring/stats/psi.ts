/**
 * Population stability index over binned counts, with Evidently's zero handling: a bin's share of
 * 0 becomes 0.0001, or min-non-zero-share / 1e6 when the smallest non-zero share is ≤ 0.0001
 * (each side on its own), so an empty bin gives a large but finite term.
 */

/** PSI = Σ (ref% − cur%) · ln(ref% / cur%) over bins aligned by index. */
export function psi(reference: readonly number[], current: readonly number[]): number {
  if (reference.length !== current.length)
    throw new RangeError(`PSI needs aligned bins: ${reference.length} reference vs ${current.length} current`);
  const ref = filledShares(reference);
  const cur = filledShares(current);
  let sum = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i] as number;
    const c = cur[i] as number;
    sum += (r - c) * Math.log(r / c);
  }
  return sum;
}

/** Each bin's share of the total, zero shares filled as Evidently fills them; NaN for an empty side. */
function filledShares(counts: readonly number[]): number[] {
  let total = 0;
  for (const c of counts) total += c;
  if (!(total > 0)) return counts.map(() => Number.NaN);
  const shares = counts.map((c) => c / total);
  let minNonZero = Number.POSITIVE_INFINITY;
  for (const s of shares) if (s > 0 && s < minNonZero) minNonZero = s;
  const fill = minNonZero <= 0.0001 ? minNonZero / 1e6 : 0.0001;
  return shares.map((s) => (s === 0 ? fill : s));
}
