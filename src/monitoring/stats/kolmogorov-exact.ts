/**
 * Exact CDFs of the two-sided one-sample Kolmogorov statistic D_n for small n·x², the two
 * algorithms SciPy's `kstwo` picks between: Durbin's matrix (Marsaglia–Tsang–Wang, 2003) and
 * Pomeranz's recursion (1974). Both rescale by 2^128 as they go, as SciPy does, to stay in range.
 */

const E128 = 2 ** 128;
const EM128 = 2 ** -128;

/** x·2^e without overflowing the intermediate power of two. */
export function ldexp(x: number, e: number): number {
  let out = x;
  let rest = e;
  while (rest > 1000) {
    out *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    out *= 2 ** -1000;
    rest += 1000;
  }
  return out * 2 ** rest;
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  // Two output rows per pass halve the reads of b, the bottleneck for the m ≈ 100 matrices here.
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const r0 = out.subarray(i * m, i * m + m);
    const r1 = out.subarray(i * m + m, i * m + 2 * m);
    for (let k = 0; k < m; k++) {
      const a0 = a[i * m + k] as number;
      const a1 = a[i * m + m + k] as number;
      const bRow = b.subarray(k * m, k * m + m);
      for (let j = 0; j < m; j++) {
        const bkj = bRow[j] as number;
        r0[j] = (r0[j] as number) + a0 * bkj;
        r1[j] = (r1[j] as number) + a1 * bkj;
      }
    }
  }
  if (i < m) out.set(vecmat(a.subarray(i * m, i * m + m), b, m), i * m);
  return out;
}

function vecmat(v: Float64Array, a: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const vk = v[k] as number;
    const aRow = a.subarray(k * m, k * m + m);
    for (let j = 0; j < m; j++) out[j] = (out[j] as number) + vk * (aRow[j] as number);
  }
  return out;
}

/** P(D_n ≤ d) by the k-th diagonal entry of (n!/nⁿ)·Hⁿ, H being Durbin's (2k−1)² matrix. */
export function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  // v[j] = (1 − h^(j+1)) / (j+1)!, w[j] = 1/j!; the last entry of v also carries the corner term.
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  v[m - 1] = (1 + (Math.max(2 * h - 1, 0) ** m - 2 * h ** m)) * fac;
  let hm: Float64Array = new Float64Array(m * m);
  for (let col = 1; col < m; col++)
    for (let row = col - 1; row < m; row++) hm[row * m + col] = w[row - col + 1] as number;
  for (let row = 0; row < m; row++) hm[row * m] = v[row] as number;
  for (let col = 0; col < m; col++) hm[(m - 1) * m + col] = v[m - 1 - col] as number;

  // Row k of Hⁿ by binary powering: square H, and fold each needed power into the row vector.
  let rowK: Float64Array = new Float64Array(m);
  rowK[k - 1] = 1;
  let expnt = 0;
  let hExpnt = 0;
  const diag = (k - 1) * m + (k - 1);
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) {
      rowK = vecmat(rowK, hm, m);
      expnt += hExpnt;
    }
    if (rest === 1) break;
    hm = matmul(hm, hm, m);
    hExpnt *= 2;
    if (Math.abs(hm[diag] as number) > E128) {
      for (let i = 0; i < hm.length; i++) hm[i] = (hm[i] as number) / E128;
      hExpnt += 128;
    }
  }
  let p = rowK[k - 1] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= E128;
      expnt -= 128;
    }
  }
  return Math.min(1, Math.max(0, ldexp(p, expnt)));
}

/** The window [j1, j2] of non-zero entries in row i of Pomeranz's recursion. */
function pomeranzWindow(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(D_n ≤ x) by Pomeranz's recursion: rows are convolutions with scaled Poisson weights. */
export function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const size = 2 * (ll + 1);
  // (g/n)^m/m!, (2g/n)^m/m!, ((1−2g)/n)^m/m!: Poisson probabilities without their normalizers.
  const gPow = new Float64Array(size);
  const twoGPow = new Float64Array(size);
  const oneMinus2GPow = new Float64Array(size);
  gPow[0] = twoGPow[0] = oneMinus2GPow[0] = 1;
  for (let m = 1; m < size; m++) {
    gPow[m] = ((gPow[m - 1] as number) * (g / n)) / m;
    twoGPow[m] = ((twoGPow[m - 1] as number) * ((2 * g) / n)) / m;
    oneMinus2GPow[m] = ((oneMinus2GPow[m - 1] as number) * ((1 - 2 * g) / n)) / m;
  }
  let prev = new Float64Array(size);
  let cur = new Float64Array(size);
  cur[0] = 1;
  let prevStart = 0;
  let curStart = 0;
  let expnt = 0;
  let [j1, j2] = pomeranzWindow(0, n, ll, ceilf, roundf);
  for (let i = 1; i <= 2 * n + 1; i++) {
    const k1 = j1;
    [prev, cur] = [cur, prev];
    [prevStart, curStart] = [curStart, prevStart];
    cur.fill(0);
    [j1, j2] = pomeranzWindow(i, n, ll, ceilf, roundf);
    const weights = i === 1 || i === 2 * n + 1 ? gPow : i % 2 === 1 ? twoGPow : oneMinus2GPow;
    const len = j2 - k1 + 1;
    if (len <= 0) continue;
    const from = k1 - prevStart;
    const avail = Math.min(len, size - from);
    const wlen = Math.min(len, size);
    // Entries conv[j1−k1 … j2−k1] of the full convolution of prev[from …] with weights[0 … len).
    let max = 0;
    for (let out = 0; out <= j2 - j1; out++) {
      const c = j1 - k1 + out;
      let s = 0;
      for (let a = Math.max(0, c - wlen + 1); a <= Math.min(c, avail - 1); a++) {
        s += (prev[from + a] as number) * (weights[c - a] as number);
      }
      cur[out] = s;
      if (s > max) max = s;
    }
    if (max > 0 && max < EM128) {
      for (let q = 0; q < size; q++) cur[q] = (cur[q] as number) * E128;
      expnt -= 128;
    }
    curStart = prevStart + j1 - k1;
  }
  let ans = cur[n - curStart] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > E128) {
      ans *= EM128;
      expnt += 128;
    }
    ans *= m;
  }
  return Math.min(1, Math.max(0, ldexp(ans, expnt)));
}
