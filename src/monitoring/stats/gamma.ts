/**
 * The regularized upper incomplete gamma function and the survival functions built on it (χ² and
 * normal). The prefactor x^a·e^(−x)/Γ(a+1) comes from `poissonDensity`, so tiny tails keep their
 * relative precision instead of losing it to exp(a·ln x − x − ln Γ(a)) cancellation.
 */
import { bd0, poissonDensity, stirlerr } from "./numeric.js";

const EPS = 2 ** -53;
/** ln(DBL_MAX): cephes flushes a tail to 0 once its exponential factor falls below e^(−MAXLOG). */
const MAXLOG = 709.782712893384;
const TINY = 1e-300;
const MAX_TERMS = 1_000_000;

/** Q(a, x) = Γ(a, x) / Γ(a) for a > 0, x ≥ 0 (1 at x = 0, 0 at x = ∞, NaN outside the domain). */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  // Below the mean Q ≥ ~0.47, so 1 − P loses nothing; above it the continued fraction gives Q directly.
  if (x < a || x < 1) return 1 - lowerSeries(a, x);
  return upperFraction(a, x);
}

/** P(a, x) = x^a·e^(−x)/Γ(a+1) · Σ_k x^k / ((a+1)…(a+k)). */
function lowerSeries(a: number, x: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < MAX_TERMS; k++) {
    term *= x / (a + k);
    sum += term;
    if (term <= sum * EPS) break;
  }
  return poissonDensity(a, x) * sum;
}

/** Q(a, x) = x^a·e^(−x)/Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …))), by modified Lentz. */
function upperFraction(a: number, x: number): number {
  // SciPy (cephes igam_fac) returns 0 when x^a·e^(−x)/Γ(a) < e^(−MAXLOG) away from a ≈ x; so do we,
  // rather than a denormal SciPy would not give.
  const logFactor = Math.log(a) - stirlerr(a) - bd0(a, x) - 0.5 * Math.log(2 * Math.PI * a);
  if (Math.abs(a - x) > 0.4 * a && logFactor < -MAXLOG) return 0;
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= EPS) break;
  }
  // x^a·e^(−x)/Γ(a) = a · x^a·e^(−x)/Γ(a+1).
  return a * poissonDensity(a, x) * h;
}

/** `scipy.stats.chi2.sf(x, df)`: the χ² survival function. */
export function chi2Sf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

/** The standard normal survival function 1 − Φ(z) = ½·erfc(z/√2) = ½·Q(½, z²/2) for z ≥ 0. */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  // cephes erfc underflows to 0 once (z/√2)² > MAXLOG (|z| > 37.68) instead of going denormal.
  const half = z * Math.SQRT1_2;
  const tail = half * half > MAXLOG ? 0 : 0.5 * gammaQ(0.5, (z * z) / 2);
  return z >= 0 ? tail : 1 - tail;
}
