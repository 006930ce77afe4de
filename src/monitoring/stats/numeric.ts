/**
 * Numerical building blocks shared by the tests: numpy's summation order, and the Stirling-error /
 * deviance pieces (Loader 2000) that give densities like x^a·e^(−x)/Γ(a+1) to full relative precision
 * without subtracting large log-gamma values.
 */

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Sum as `np.sum` does on a contiguous float64 array (pairwise, 8-way unrolled leaves of ≤ 128),
 * so a sum over the same terms in the same order is bit-identical to numpy's.
 */
export function pairwiseSum(values: ArrayLike<number>, start = 0, length = values.length - start): number {
  if (length < 8) {
    let sum = 0;
    for (let i = start; i < start + length; i++) sum += values[i] as number;
    return sum;
  }
  if (length <= 128) {
    const v = values;
    let r0 = v[start] as number;
    let r1 = v[start + 1] as number;
    let r2 = v[start + 2] as number;
    let r3 = v[start + 3] as number;
    let r4 = v[start + 4] as number;
    let r5 = v[start + 5] as number;
    let r6 = v[start + 6] as number;
    let r7 = v[start + 7] as number;
    const whole = length - (length % 8);
    let i = 8;
    for (; i < whole; i += 8) {
      const at = start + i;
      r0 += v[at] as number;
      r1 += v[at + 1] as number;
      r2 += v[at + 2] as number;
      r3 += v[at + 3] as number;
      r4 += v[at + 4] as number;
      r5 += v[at + 5] as number;
      r6 += v[at + 6] as number;
      r7 += v[at + 7] as number;
    }
    let sum = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < length; i++) sum += v[start + i] as number;
    return sum;
  }
  let half = Math.floor(length / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, length - half);
}

/** B_{2j} / (2j(2j−1)) for j = 1..8: the Stirling series coefficients of ln Γ. */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/** The Stirling series Σ c_j / a^(2j−1), accurate to < 1e-17 for a ≥ 10. */
function stirlingSeries(a: number): number {
  const inv2 = 1 / (a * a);
  let s = 0;
  for (let j = STIRLING.length - 1; j >= 0; j--) s = s * inv2 + (STIRLING[j] as number);
  return s / a;
}

/**
 * Stirling's error ln Γ(a+1) − (a+½)·ln a + a − ln √(2π), for a > 0. Below 10 it steps up with
 * stirlerr(a) = stirlerr(a+1) + (a+½)·log1p(1/a) − 1, which never forms a large log-gamma.
 */
export function stirlerr(a: number): number {
  let shift = 0;
  let x = a;
  while (x < 10) {
    shift += (x + 0.5) * Math.log1p(1 / x) - 1;
    x += 1;
  }
  return shift + stirlingSeries(x);
}

/** Loader's deviance term x·ln(x/m) + m − x, accurate when x ≈ m (x ≥ 0, m > 0). */
export function bd0(x: number, m: number): number {
  if (x === 0) return m;
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    const v = (x - m) / (x + m);
    const v2 = v * v;
    let sum = (x - m) * v;
    let ej = 2 * x * v;
    for (let j = 1; j < 1000; j++) {
      ej *= v2;
      const next = sum + ej / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
    return sum;
  }
  return x * Math.log(x / m) + m - x;
}

/** The Poisson-type density m^a·e^(−m)/Γ(a+1) for real a ≥ 0, m ≥ 0, to near full relative precision. */
export function poissonDensity(a: number, m: number): number {
  if (m === 0) return a === 0 ? 1 : 0;
  if (a === 0) return Math.exp(-m);
  return Math.exp(-stirlerr(a) - bd0(a, m)) / Math.sqrt(2 * Math.PI * a);
}

/**
 * C(n, v)·p^v·q^(n−v) for 0 < v < n (Loader's dbinom), given the means np and nq = n − np separately
 * so a caller that knows them more precisely than n·p can pass them.
 */
export function binomialTerm(v: number, n: number, np: number, nq: number): number {
  const lc = stirlerr(n) - stirlerr(v) - stirlerr(n - v) - bd0(v, np) - bd0(n - v, nq);
  const lf = 2 * LN_SQRT_2PI + Math.log(v) + Math.log1p(-v / n);
  return Math.exp(lc - 0.5 * lf);
}

/** Round half to even, as numpy's `np.round` does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
