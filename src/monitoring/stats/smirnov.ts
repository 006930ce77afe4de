/**
 * The one-sided Kolmogorov–Smirnov (Smirnov) survival function P(D⁺_n > x), as
 * `scipy.special.smirnov(n, x)`: the Birnbaum–Tingey sum with the same special cases and the same
 * large-n approximation. Each term is a binomial-type density computed with Loader's method, so the
 * sum keeps ~1e-13 relative precision even for n in the hundreds of thousands.
 */
import { binomialTerm } from "./numeric.js";

/** ln 2^-1075 (cephes with denormals): below e^MINLOG SciPy calls the tail 0. */
const MINLOG = -745.1332191019412;
/** Above this n SciPy uses an approximation instead of the O(n) sum. */
const MAX_COMPUTE_N = 1_000_000;
const EPS = 2 ** -52;

const clip01 = (p: number): number => Math.min(1, Math.max(0, p));

/** P(D⁺_n > x) for integer n ≥ 1 and 0 ≤ x ≤ 1 (NaN otherwise). */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0) || !(x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const nx = n * x;
  if (nx <= 1) return clip01(1 - x * Math.exp((n - 1) * Math.log1p(x)));
  if (-2 * n * x * x < MINLOG) return 0;
  if (nx >= n - 1) return Math.exp(n * Math.log1p(-x));
  if (n > MAX_COMPUTE_N) {
    // p ≈ exp(−(6nx + 1)² / 18n)
    const logp = -((6 * nx + 1) ** 2) / 18 / n;
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
  }
  return clip01(birnbaumTingey(n, x, nx));
}

/** Exact terms every ANCHOR steps bound the drift of the ratio recurrence to ~1e-13. */
const ANCHOR = 64;

/**
 * x · Σ_{v=0}^{⌊n(1−x)⌋} C(n,v)·(x + v/n)^(v−1)·(1 − x − v/n)^(n−v). All terms are positive; they
 * rise to a peak near v ≈ n/2 and then fall, so the sum stops once the rest cannot matter. Most
 * terms come from the previous one by their ratio (one exp, two log1p), which is several times
 * cheaper than Loader's form; every ANCHOR-th term is recomputed exactly.
 */
function birnbaumTingey(n: number, x: number, nx: number): number {
  let term = Math.exp(n * Math.log1p(-x)); // v = 0: x · x^(−1) · (1−x)^n
  let sum = term;
  const last = Math.ceil(n - nx) - 1;
  for (let v = 1; v <= last; v++) {
    const nq = n - v - nx;
    if (!(nq > 0)) break;
    const np = v + nx;
    if (v % ANCHOR === 0 || v === 1) {
      // x/p · C(n,v)·p^v·q^(n−v), with p = np/n.
      term = ((x * n) / np) * binomialTerm(v, n, np, nq);
    } else {
      // term_v / term_u for u = v − 1: C-ratio · p_v/q_u · (p_v/p_u)^(u−1) · (q_v/q_u)^(n−u−1).
      const u = v - 1;
      const nqu = nq + 1;
      const e = (u - 1) * log1pSmall(1 / (np - 1)) + (n - u - 1) * log1pSmall(-1 / nqu);
      term *= ((n - u) / v) * (np / nqu) * Math.exp(e);
    }
    sum += term;
    if (term > 0 && 4 * (last - v) * term < EPS * sum && v !== last) break;
  }
  return sum;
}

/** log1p by its series when |y| < 1e-3 (6 terms reach 1e-18 relative), which is faster than Math.log1p. */
function log1pSmall(y: number): number {
  if (Math.abs(y) >= 1e-3) return Math.log1p(y);
  return y * (1 - y * (1 / 2 - y * (1 / 3 - y * (1 / 4 - y * (1 / 5 - y / 6)))));
}
