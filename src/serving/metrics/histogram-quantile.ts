/** Quantiles from histogram bucket counts, interpolated within a bucket as Prometheus' histogram_quantile does. */

/**
 * The q-quantile (0–1) of values counted per bucket: `counts[i]` values in (bounds[i-1], bounds[i]],
 * the last slot above the last bound. Null without values; the last bound when the rank falls in
 * the open-ended bucket (nothing better is known).
 */
export function histogramQuantile(q: number, bounds: readonly number[], counts: readonly number[]): number | null {
  let total = 0;
  for (const c of counts) total += c;
  if (total <= 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i] as number;
    if (c > 0 && below + c >= rank) {
      if (i >= bounds.length) return bounds[bounds.length - 1] ?? null;
      const lower = i === 0 ? 0 : (bounds[i - 1] as number);
      const upper = bounds[i] as number;
      return lower + ((upper - lower) * (rank - below)) / c;
    }
    below += c;
  }
  return bounds[bounds.length - 1] ?? null;
}
