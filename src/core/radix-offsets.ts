/** The counting step shared by the LSD radix sorts (numbers in `monitoring/stats`, score order in `learn/metrics`). */

/**
 * Turns one digit's histogram (`buckets` counts from `base`) into start offsets. False when every
 * one of the `n` keys shares the digit: that pass would leave the order as it is, so it is skipped.
 * Free of outside references: the monitoring sort sends its source to worker threads as text.
 */
export function prefixSums(counts: Uint32Array, base: number, buckets: number, n: number): boolean {
  let offset = 0;
  for (let d = 0; d < buckets; d++) {
    const c = counts[base + d] as number;
    if (c === n) return false;
    counts[base + d] = offset;
    offset += c;
  }
  return true;
}
