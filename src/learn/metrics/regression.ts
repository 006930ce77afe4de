/** Regression evaluation matching scikit-learn's mean_squared_error, mean_absolute_error and r2_score. */
import { invalidParam } from "../../core/errors.js";
import type { RegressionEvaluation } from "./types.js";

/** RMSE, MAE and R² of predictions; R² follows sklearn for a constant target (1 if exact, else 0). */
export function evaluateRegression(yTrue: ArrayLike<number>, pred: ArrayLike<number>): RegressionEvaluation {
  const n = yTrue.length;
  if (n !== pred.length) throw invalidParam(`yTrue has ${n} rows but pred has ${pred.length}`);
  if (n === 0) throw invalidParam("cannot evaluate zero rows");
  let sumY = 0;
  let sse = 0;
  let sae = 0;
  for (let i = 0; i < n; i++) {
    const y = yTrue[i] as number;
    const p = pred[i] as number;
    if (!Number.isFinite(y) || !Number.isFinite(p)) throw invalidParam(`row ${i}: yTrue and pred must be finite`);
    sumY += y;
    sse += (y - p) ** 2;
    sae += Math.abs(y - p);
  }
  const mean = sumY / n;
  let sst = 0;
  for (let i = 0; i < n; i++) sst += ((yTrue[i] as number) - mean) ** 2;
  const r2 = sst === 0 ? (sse === 0 ? 1 : 0) : 1 - sse / sst;
  return { count: n, rmse: Math.sqrt(sse / n), mae: sae / n, r2 };
}
