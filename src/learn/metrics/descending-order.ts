/**
 * Row indices by descending score, ties in input order, as a stable LSD radix sort of the scores'
 * IEEE-754 bits carrying the indices: a monitor's AUC over 200,000 labelled predictions spent
 * 60 ms in a comparator sort, about a quarter of a 30-day run. Scores that are not all finite (or
 * short arrays) take the comparator sort, which gives the same order.
 */

import { prefixSums } from "../../core/radix-offsets.js";

// 11-bit digits: six passes over the two 32-bit words of each key, 2,048 buckets per pass.
const BITS = 11;
const BUCKETS = 1 << BITS;
const MASK = BUCKETS - 1;
const PASSES = 6;
/** Below this many rows the comparator sort is as fast. */
const RADIX_FROM = 1024;

/** Row indices by descending score, ties in input order. */
export function descendingOrder(scores: ArrayLike<number>): Uint32Array {
  const n = scores.length;
  if (n < RADIX_FROM || !allFinite(scores)) return comparatorOrder(scores);
  // Descending order is ascending order of the bitwise complement of the ascending key.
  const bits = new Float64Array(n);
  for (let i = 0; i < n; i++) bits[i] = (scores[i] as number) + 0; // −0 ties with +0, as in the comparator
  const words = new Uint32Array(bits.buffer);
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  let order = new Uint32Array(n);
  const counts = new Uint32Array(PASSES * BUCKETS);
  for (let i = 0; i < n; i++) {
    const h = words[2 * i + 1] as number;
    const neg = h >> 31;
    const kl = ~((words[2 * i] as number) ^ neg) >>> 0;
    const kh = ~(h ^ (neg | 0x80000000)) >>> 0;
    lo[i] = kl;
    hi[i] = kh;
    order[i] = i;
    counts[kl & MASK]!++;
    counts[BUCKETS + ((kl >>> BITS) & MASK)]!++;
    counts[2 * BUCKETS + (kl >>> (2 * BITS))]!++;
    counts[3 * BUCKETS + (kh & MASK)]!++;
    counts[4 * BUCKETS + ((kh >>> BITS) & MASK)]!++;
    counts[5 * BUCKETS + (kh >>> (2 * BITS))]!++;
  }
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  let order2 = new Uint32Array(n);
  for (let pass = 0; pass < PASSES; pass++) {
    const base = pass * BUCKETS;
    if (!prefixSums(counts, base, BUCKETS, n)) continue;
    const shift = (pass % 3) * BITS;
    const digitOf = pass < 3 ? lo : hi;
    for (let i = 0; i < n; i++) {
      const at = counts[base + (((digitOf[i] as number) >>> shift) & MASK)]!++;
      lo2[at] = lo[i] as number;
      hi2[at] = hi[i] as number;
      order2[at] = order[i] as number;
    }
    [lo, lo2] = [lo2, lo];
    [hi, hi2] = [hi2, hi];
    [order, order2] = [order2, order];
  }
  return order;
}

/** The comparator sort (any numbers; NaN as the comparator leaves it). */
function comparatorOrder(scores: ArrayLike<number>): Uint32Array {
  const order = Uint32Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
}

function allFinite(scores: ArrayLike<number>): boolean {
  for (let i = 0; i < scores.length; i++) if (!Number.isFinite(scores[i])) return false;
  return true;
}
