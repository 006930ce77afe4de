/**
 * Regression and multiclass gate metrics over weighted rows (weight = how often a row occurs in a
 * bootstrap resample). Per-row terms are computed once, so every weighting costs O(n + classes).
 * Unweighted, they equal src/learn/metrics (scikit-learn's definitions).
 */
import { argmaxRow, rowLogLoss } from "../../learn/metrics/multiclass.js";

/** The gate metrics of regression models. */
export type RegressionGateMetric = "rmse" | "mae" | "r2";
/** The gate metrics of multiclass models. */
export type MulticlassGateMetric = "log_loss" | "accuracy" | "macro_f1";

/** A metric over weighted rows (undefined weights = each row once); null when no row has weight. */
export type Weighted = (weights?: ArrayLike<number>) => number | null;

const weightOf = (weights: ArrayLike<number> | undefined, i: number) => (weights ? (weights[i] as number) : 1);

/** RMSE, MAE or R² (sklearn's rule for a constant target: 1 when exact, else 0) of predicted values. */
export function regressionMetric(
  metric: RegressionGateMetric,
  y: ArrayLike<number>,
  pred: ArrayLike<number>,
): Weighted {
  const n = y.length;
  return (weights) => {
    let total = 0;
    let sse = 0;
    let sae = 0;
    let sumY = 0;
    for (let i = 0; i < n; i++) {
      const w = weightOf(weights, i);
      if (w === 0) continue;
      const d = (y[i] as number) - (pred[i] as number);
      total += w;
      sse += w * d * d;
      sae += w * Math.abs(d);
      sumY += w * (y[i] as number);
    }
    if (total === 0) return null;
    if (metric === "rmse") return Math.sqrt(sse / total);
    if (metric === "mae") return sae / total;
    const mean = sumY / total;
    let sst = 0;
    for (let i = 0; i < n; i++) sst += weightOf(weights, i) * ((y[i] as number) - mean) ** 2;
    return sst === 0 ? (sse === 0 ? 1 : 0) : 1 - sse / sst;
  };
}

/** Log loss, accuracy or macro F1 (over the classes in the truth or the predictions) of class probabilities. */
export function multiclassMetric(
  metric: MulticlassGateMetric,
  y: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  k: number,
): Weighted {
  const n = y.length;
  const predicted = Int32Array.from({ length: n }, (_, i) => argmaxRow(probabilities, i, k));
  if (metric === "log_loss") {
    const loss = Float64Array.from({ length: n }, (_, i) => rowLogLoss(probabilities, i, k, y[i] as number));
    return (weights) => weightedMean(n, weights, (i) => loss[i] as number);
  }
  if (metric === "accuracy") return (weights) => weightedMean(n, weights, (i) => (predicted[i] === y[i] ? 1 : 0));
  return (weights) => {
    const tp = new Float64Array(k);
    const support = new Float64Array(k);
    const guessed = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const w = weightOf(weights, i);
      const truth = y[i] as number;
      const p = predicted[i] as number;
      support[truth] = (support[truth] as number) + w;
      guessed[p] = (guessed[p] as number) + w;
      if (p === truth) tp[p] = (tp[p] as number) + w;
    }
    let sum = 0;
    let seen = 0;
    for (let c = 0; c < k; c++) {
      const denominator = (support[c] as number) + (guessed[c] as number);
      if (denominator === 0) continue;
      sum += (2 * (tp[c] as number)) / denominator;
      seen++;
    }
    return seen === 0 ? null : sum / seen;
  };
}

function weightedMean(n: number, weights: ArrayLike<number> | undefined, term: (i: number) => number): number | null {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weightOf(weights, i);
    if (w === 0) continue;
    sum += w * term(i);
    total += w;
  }
  return total > 0 ? sum / total : null;
}
