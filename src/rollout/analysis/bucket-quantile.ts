/** Quantiles and windows of bucketed histograms (the serving metrics' latency and score buckets). */

/** A histogram as per-bucket counts: `counts[i]` values ≤ `bounds[i]`, the last slot is +Inf. */
export interface BucketCounts {
  readonly bounds: readonly number[];
  readonly counts: readonly number[];
}

/**
 * The q-quantile as Prometheus' `histogram_quantile` estimates it: linear within the bucket the
 * rank falls in (the first bucket starts at 0), the highest finite bound when it falls in +Inf,
 * NaN with no observations.
 */
export function bucketQuantile(q: number, h: BucketCounts): number {
  let total = 0;
  for (const c of h.counts) total += c;
  if (!(total > 0)) return Number.NaN;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const count = h.counts[i] as number;
    if (below + count >= rank && count > 0) {
      if (i >= h.bounds.length) return h.bounds[h.bounds.length - 1] ?? Number.NaN;
      const lower = i === 0 ? 0 : (h.bounds[i - 1] as number);
      const upper = h.bounds[i] as number;
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return h.bounds[h.bounds.length - 1] ?? Number.NaN;
}

/** The observations between two snapshots of the same histogram (`after` − `before`). */
export function bucketDelta(before: BucketCounts, after: BucketCounts): BucketCounts {
  if (before.counts.length !== after.counts.length) throw new RangeError("snapshots of different histograms");
  return { bounds: after.bounds, counts: after.counts.map((c, i) => c - (before.counts[i] as number)) };
}
