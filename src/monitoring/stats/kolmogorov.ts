/**
 * The two-sided one-sample Kolmogorov distribution D_n, as `scipy.stats.kstwo`: the survival
 * function picks among the same methods as SciPy (Simard & L'Ecuyer 2011) — Ruben–Gambino closed
 * forms at the ends, 2·Smirnov where the two one-sided events cannot overlap, Durbin's matrix or
 * Pomeranz's recursion for small n·x², and the Pelz–Good expansion for large n — so the p-value of
 * `ks_2samp`'s asymptotic branch comes out the same.
 */
import { durbinMatrixCdf, pomeranzCdf } from "./kolmogorov-exact.js";
import { stirlerr } from "./numeric.js";
import { smirnovSf } from "./smirnov.js";

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

const clip01 = (p: number): number => Math.min(1, Math.max(0, p));

/** `scipy.stats.kstwo.sf(x, n)`: P(D_n > x) for integer n ≥ 1. */
export function kstwoSf(n: number, x: number): number {
  if (Number.isNaN(x) || !(n >= 1)) return Number.NaN;
  // kstwo's support is [0.5/n, 1]; SciPy answers outside it without calling the algorithms.
  if (x <= 0.5 / n) return 1;
  if (x >= 1) return 0;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    // Ruben–Gambino: P(D_n ≤ x) = n!/nⁿ · (2t − 1)ⁿ for 1/2n ≤ x ≤ 1/n.
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nxx = t * x;
  if (n <= 140) {
    if (nxx <= 0.754693) return clip01(1 - durbinMatrixCdf(n, x));
    if (nxx <= 4) return clip01(1 - pomeranzCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxx >= 370) return 0;
  if (nxx >= 2.2) return clip01(2 * smirnovSf(n, x));
  const cdf = n <= 100000 && n * x ** 1.5 <= 1.4 ? durbinMatrixCdf(n, x) : pelzGoodCdf(n, x);
  return clip01(1 - cdf);
}

/** ln(n!/nⁿ) = ½·ln n − n + ln √(2π) + stirlerr(n). */
function logFactorialOverPower(n: number): number {
  return Math.log(n) / 2 - n + LN_SQRT_2PI + stirlerr(n);
}

/**
 * Pelz–Good (1976): P(D_n ≤ x) ≈ K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^1.5 with z = x√n, each K
 * written with Jacobi-theta sums that converge fast for small z.
 */
export function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < -708) return 0;
  const q = Math.exp(qlog);

  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;

  // Σ_k c(m) q^(m²) over odd m = 2k − 1, by Horner in q^(8k).
  const maxk = Math.ceil((16 * z) / Math.PI);
  const K = [0, 0, 0, 0];
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qp = q ** (8 * k);
    K[0] = K[0]! * qp + 1;
    K[1] = K[1]! * qp + (k1a + k1b * m2);
    K[2] = K[2]! * qp + (k2a + k2b * m2 + k2c * m4);
    K[3] = K[3]! * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
  }
  const scale = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = (K[i]! * q * SQRT_2PI) / scale[i]!;

  // The K2 and K3 terms over all integers k: (π²k²)·q2^(k²) and (3π²k²z² − π⁴k⁴)·q2^(k²).
  const q2 = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const kk = k * k;
    const qk = q2 ** kk;
    k2extra += kk * qk;
    k3extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * kk * qk;
  }
  K[2] = K[2]! + (k2extra * PI2 * SQRT_2PI) / (-36 * z2 * z);
  K[3] = K[3]! + (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  let cdf = 0;
  for (let i = 0; i < 4; i++) cdf += K[i]! / n ** (i / 2);
  return cdf;
}
