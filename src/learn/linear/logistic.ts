/** L2-regularized logistic regression for binary labels, matching scikit-learn's `LogisticRegression`. */
import { invalidParam } from "../../core/errors.js";
import type { FeatureMatrix } from "../feature-matrix.js";
import { linearPredictor, newtonLogistic, sigmoid } from "./newton.js";

/** Hyperparameters of {@link trainLogistic} (scikit-learn's names and defaults). */
export interface LogisticParams {
  /** Inverse regularization: loss = Σ logloss + ||w||² / (2C), intercept unpenalized. Default 1. */
  C?: number;
  /** Newton iterations at most (default 100; it usually needs under 15). */
  maxIter?: number;
  /** Stop when the predicted decrease of the objective is below this (default 1e-10). */
  tol?: number;
}

/** Training callbacks. */
export interface LogisticOptions {
  onIteration?: (iter: number, loss: number) => void;
}

/** The serialized form of a {@link LogisticModel}. */
export interface LogisticJSON {
  format: typeof LOGISTIC_FORMAT;
  version: 1;
  featureNames: string[];
  coefficients: number[];
  intercept: number;
}

/** The `format` tag of {@link LogisticJSON}. */
export const LOGISTIC_FORMAT = "modelworks.logistic";

/** A fitted logistic model: P(y = 1 | x) = σ(x·w + b). */
export class LogisticModel {
  constructor(
    readonly featureNames: readonly string[],
    readonly coefficients: Float64Array,
    readonly intercept: number,
    /** Training diagnostics (not serialized). */
    readonly info: { iterations: number; loss: number; converged: boolean } = {
      iterations: 0,
      loss: Number.NaN,
      converged: true,
    },
  ) {}

  /** Probability of the positive class per row. */
  predict(x: FeatureMatrix): Float64Array {
    if (x.cols !== this.coefficients.length)
      throw invalidParam(`expected ${this.coefficients.length} features, got ${x.cols}`);
    const theta = new Float64Array(x.cols + 1);
    theta.set(this.coefficients);
    theta[x.cols] = this.intercept;
    return linearPredictor(x, theta).map(sigmoid);
  }

  /** Deterministic JSON (fixed key order). */
  toJSON(): LogisticJSON {
    return {
      format: LOGISTIC_FORMAT,
      version: 1,
      featureNames: [...this.featureNames],
      coefficients: Array.from(this.coefficients),
      intercept: this.intercept,
    };
  }
}

/** Fit by Newton's method to the exact regularized optimum; bad parameters are an MwError naming them. */
export function trainLogistic(
  x: FeatureMatrix,
  y: Float64Array,
  params: LogisticParams = {},
  options: LogisticOptions = {},
): LogisticModel {
  const { C = 1, maxIter = 100, tol = 1e-10 } = params;
  if (!(typeof C === "number" && C > 0 && Number.isFinite(C)))
    throw invalidParam(`C must be a positive number, got ${C}`);
  if (!(Number.isInteger(maxIter) && maxIter > 0))
    throw invalidParam(`maxIter must be a positive integer, got ${maxIter}`);
  if (!(typeof tol === "number" && tol > 0)) throw invalidParam(`tol must be a positive number, got ${tol}`);
  validateData(x, y);
  const r = newtonLogistic(x, y, {
    c: C,
    maxIter,
    tol,
    ...(options.onIteration ? { onIteration: options.onIteration } : {}),
  });
  return new LogisticModel(x.names, r.theta.slice(0, x.cols), r.theta[x.cols] as number, {
    iterations: r.iterations,
    loss: r.loss,
    converged: r.converged,
  });
}

function validateData(x: FeatureMatrix, y: Float64Array): void {
  if (x.rows === 0) throw invalidParam("cannot train on zero rows");
  if (y.length !== x.rows) throw invalidParam(`label has ${y.length} rows, features have ${x.rows}`);
  let positives = 0;
  for (const v of y) {
    if (v !== 0 && v !== 1) throw invalidParam(`label must be binary 0/1, found ${v}`);
    positives += v;
  }
  if (positives === 0 || positives === y.length)
    throw invalidParam(`label is constant (${positives === 0 ? 0 : 1} in every row): need both classes`);
  for (let j = 0; j < x.cols; j++) {
    const col = x.data.subarray(j * x.rows, (j + 1) * x.rows);
    if (col.some((v) => !Number.isFinite(v)))
      throw invalidParam(`feature '${x.names[j]}' has missing or non-finite values; impute before the linear model`);
  }
}

/** Rebuild a model from {@link LogisticModel.toJSON} output (object or JSON text). */
export function logisticFromJSON(json: unknown): LogisticModel {
  const o = (typeof json === "string" ? parseJSON(json) : json) as Partial<LogisticJSON> | null;
  if (typeof o !== "object" || o === null || o.format !== LOGISTIC_FORMAT)
    throw invalidParam(`logistic model: format must be '${LOGISTIC_FORMAT}'`);
  if (o.version !== 1) throw invalidParam(`logistic model: unsupported version ${String(o.version)}`);
  const { featureNames: names, coefficients: coef, intercept } = o;
  if (!Array.isArray(names) || !names.every((n) => typeof n === "string"))
    throw invalidParam("logistic model: featureNames must be an array of strings");
  if (!Array.isArray(coef) || coef.length !== names.length || !coef.every(Number.isFinite))
    throw invalidParam("logistic model: coefficients must be finite numbers, one per feature");
  if (typeof intercept !== "number" || !Number.isFinite(intercept))
    throw invalidParam("logistic model: intercept must be a finite number");
  return new LogisticModel(names, Float64Array.from(coef), intercept);
}

function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalidParam(`logistic model: invalid JSON (${(e as Error).message})`);
  }
}
