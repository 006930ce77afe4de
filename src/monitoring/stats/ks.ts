/**
 * Two-sample Kolmogorov–Smirnov test as `scipy.stats.ks_2samp(a, b)` (SciPy 1.10, two-sided,
 * method "auto"): exact when max(n1, n2) ≤ 10000, else the asymptotic `kstwo` distribution at
 * n = round(n1·n2/(n1+n2)); an exact attempt whose result is not a probability falls back to the
 * asymptotic one, as SciPy does. The statistic is found by one merge of the sorted samples.
 */
import { kstwoSf } from "./kolmogorov.js";
import { roundHalfEven } from "./numeric.js";

export interface KsResult {
  /** D = sup |F_a − F_b| (in exact mode rounded to the lattice h / lcm(n1, n2), as SciPy reports it). */
  statistic: number;
  pValue: number;
}

/** SciPy's `MAX_AUTO_N`: above it "auto" goes asymptotic. */
const MAX_EXACT_N = 10000;

/**
 * SciPy's `ks_2samp(a, b)` statistic and p-value. Both inputs must be sorted ascending without NaN
 * (see `sortedSample`); an empty sample throws a RangeError, as SciPy raises ValueError.
 */
export function ksTwoSample(a: Float64Array, b: Float64Array): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError("ks_2samp needs two non-empty samples");
  let d = ksStatistic(a, b);
  if (Math.max(n1, n2) <= MAX_EXACT_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pValue: 1 };
    const p = n1 === n2 ? outsideSquare(n1, h) : outsideBand(n1, n2, g, h);
    if (p >= 0 && p <= 1) return { statistic: d, pValue: p };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  const p = kstwoSf(roundHalfEven(en), d);
  return { statistic: d, pValue: Math.min(1, Math.max(0, p)) };
}

/**
 * max(D⁺, D⁻) of the two empirical CDFs, as SciPy's searchsorted form gives it. F_a − F_b only
 * rises while a run of a-values is consumed and only falls during a run of b-values, so it is
 * enough to look at the end of each run (ties between the sides move together).
 */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let max = 0;
  let min = 0;
  while (i < n1 && j < n2) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x < y) {
      do i++;
      while (i < n1 && (a[i] as number) < y);
      const diff = i / n1 - j / n2;
      if (diff > max) max = diff;
    } else if (y < x) {
      do j++;
      while (j < n2 && (b[j] as number) < x);
      const diff = i / n1 - j / n2;
      if (diff < min) min = diff;
    } else {
      while (i < n1 && a[i] === x) i++;
      while (j < n2 && b[j] === x) j++;
      const diff = i / n1 - j / n2;
      if (diff > max) max = diff;
      if (diff < min) min = diff;
    }
  }
  // Whatever one side has left moves the difference monotonically back to 0: no new extreme.
  return Math.max(Math.min(1, -min), max);
}

function gcd(x: number, y: number): number {
  let p = x;
  let q = y;
  while (q !== 0) [p, q] = [q, p % q];
  return p;
}

/**
 * P(D ≥ h/n) for n1 = n2 = n: 2·Σ_k (−1)^(k+1)·C(2n, n − kh)/C(2n, n), nested Horner-style so the
 * alternating sum does not cancel.
 */
function outsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * P(D ≥ h/lcm) for n1 ≠ n2 by counting lattice paths that leave the band |x/m − y/n| < h/lcm,
 * computing the probability of having left directly (Viehmann 2021's recursion for 1 − p) so small
 * p-values keep their precision. One column of the path grid is kept, as a sliding window.
 */
function outsideBand(n1: number, n2: number, g: number, h: number): number {
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const a = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = ((a[jj + minj - lastminj] as number) * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    // Cells that drop out of the window above are "already left" (probability 1).
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return a[maxj - minj - 1] as number;
}
