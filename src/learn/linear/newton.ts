/**
 * Newton's method for L2-regularized logistic loss: exact Hessian solved by Cholesky, Armijo
 * backtracking line search. Quadratic convergence gives scikit-learn's optimum to ~1e-10 in a
 * handful of iterations; each costs O(rows · cols²), fine up to a few hundred encoded features.
 */
import type { FeatureMatrix } from "../feature-matrix.js";

/** Settings of {@link newtonLogistic}. */
export interface NewtonSettings {
  /** Inverse regularization strength: objective = Σ logloss + ||w||² / (2C), intercept unpenalized. */
  c: number;
  maxIter: number;
  /** Stop when half the squared Newton decrement (the predicted decrease) falls below this. */
  tol: number;
  onIteration?: (iter: number, loss: number) => void;
}

/** Weights then intercept, the final objective and how many Newton steps were taken. */
export interface NewtonResult {
  theta: Float64Array;
  loss: number;
  iterations: number;
  converged: boolean;
}

/** Minimize the regularized logistic objective over θ = [w, b]. */
export function newtonLogistic(x: FeatureMatrix, y: Float64Array, s: NewtonSettings): NewtonResult {
  const p = x.cols;
  let theta: Float64Array = new Float64Array(p + 1);
  let loss = objective(x, y, theta, s.c);
  for (let iter = 1; iter <= s.maxIter; iter++) {
    const { grad, hess } = derivatives(x, y, theta, s.c);
    const step = solveSpd(
      hess,
      grad.map((g) => -g),
      p + 1,
    );
    const slope = dot(grad, step);
    const next = lineSearch(x, y, theta, step, loss, slope, s.c);
    // Near the optimum the loss may not decrease in floating point: then θ is as good as it gets.
    if (!next) return { theta, loss, iterations: iter - 1, converged: -slope / 2 <= Math.sqrt(s.tol) };
    theta = next.theta;
    loss = next.loss;
    s.onIteration?.(iter, loss);
    // The step just taken was already within tol of the optimum, and Newton squares that error.
    if (-slope / 2 <= s.tol) return { theta, loss, iterations: iter, converged: true };
  }
  return { theta, loss, iterations: s.maxIter, converged: false };
}

/** Linear predictor z = Xw + b. */
export function linearPredictor(x: FeatureMatrix, theta: Float64Array): Float64Array {
  const n = x.rows;
  const z = new Float64Array(n).fill(theta[x.cols] as number);
  for (let j = 0; j < x.cols; j++) {
    const w = theta[j] as number;
    if (w === 0) continue;
    const off = j * n;
    for (let i = 0; i < n; i++) z[i] = (z[i] as number) + w * (x.data[off + i] as number);
  }
  return z;
}

/** Numerically stable sigmoid. */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

function objective(x: FeatureMatrix, y: Float64Array, theta: Float64Array, c: number): number {
  const z = linearPredictor(x, theta);
  let loss = 0;
  for (let i = 0; i < z.length; i++) {
    const zi = z[i] as number;
    // log(1 + e^z) - y·z, without overflow for large |z|.
    loss += Math.max(zi, 0) + Math.log1p(Math.exp(-Math.abs(zi))) - (y[i] as number) * zi;
  }
  let norm = 0;
  for (let j = 0; j < x.cols; j++) norm += (theta[j] as number) ** 2;
  return loss + norm / (2 * c);
}

function derivatives(x: FeatureMatrix, y: Float64Array, theta: Float64Array, c: number) {
  const n = x.rows;
  const p = x.cols;
  const z = linearPredictor(x, theta);
  const r = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const pi = sigmoid(z[i] as number);
    r[i] = pi - (y[i] as number);
    w[i] = pi * (1 - pi);
  }
  const grad = new Float64Array(p + 1);
  const hess = new Float64Array((p + 1) * (p + 1));
  const col = (j: number) => (j === p ? null : x.data.subarray(j * n, (j + 1) * n));
  for (let j = 0; j <= p; j++) {
    const xj = col(j);
    grad[j] = (xj ? dot(xj, r) : sum(r)) + (j < p ? (theta[j] as number) / c : 0);
    const wx = xj ? xj.map((v, i) => v * (w[i] as number)) : w;
    for (let k = 0; k <= j; k++) {
      const xk = col(k);
      const h = (xk ? dot(wx, xk) : sum(wx)) + (j === k && j < p ? 1 / c : 0);
      hess[j * (p + 1) + k] = h;
      hess[k * (p + 1) + j] = h;
    }
  }
  return { grad, hess };
}

function lineSearch(
  x: FeatureMatrix,
  y: Float64Array,
  theta: Float64Array,
  step: Float64Array,
  loss: number,
  slope: number,
  c: number,
): { theta: Float64Array; loss: number } | null {
  for (let t = 1, k = 0; k < 50; k++, t /= 2) {
    const next = theta.map((v, j) => v + t * (step[j] as number));
    const nextLoss = objective(x, y, next, c);
    if (nextLoss <= loss + 1e-4 * t * slope) return { theta: next, loss: nextLoss };
  }
  return null;
}

/** Solve A·v = b for symmetric positive definite A (row-major m×m) by Cholesky, adding jitter if needed. */
export function solveSpd(a: Float64Array, b: Float64Array, m: number): Float64Array {
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-10 : jitter * 10) {
    const l = cholesky(a, m, jitter);
    if (l) return backSubstitute(l, b, m);
    if (jitter > 1e6) throw new Error("Hessian is not positive definite");
  }
}

function cholesky(a: Float64Array, m: number, jitter: number): Float64Array | null {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (a[i * m + j] as number) + (i === j ? jitter * Math.max(1, a[i * m + i] as number) : 0);
      for (let k = 0; k < j; k++) s -= (l[i * m + k] as number) * (l[j * m + k] as number);
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * m + i] = Math.sqrt(s);
      } else l[i * m + j] = s / (l[j * m + j] as number);
    }
  }
  return l;
}

function backSubstitute(l: Float64Array, b: Float64Array, m: number): Float64Array {
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (l[i * m + k] as number) * (z[k] as number);
    z[i] = s / (l[i * m + i] as number);
  }
  const v = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i] as number;
    for (let k = i + 1; k < m; k++) s -= (l[k * m + i] as number) * (v[k] as number);
    v[i] = s / (l[i * m + i] as number);
  }
  return v;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
}
