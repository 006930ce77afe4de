import type { GbdtObjective } from "./gbdt-params.js";

/** The margin every tree adds to: logit(base_score) for logistic, base_score (default: label mean) for regression. */
export function baseMargin(objective: GbdtObjective, baseScore: number | null, y: Float64Array): number {
  if (objective === "binary:logistic") {
    const p = baseScore ?? 0.5;
    return Math.log(p / (1 - p));
  }
  if (baseScore !== null) return baseScore;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] as number;
  return y.length > 0 ? s / y.length : 0;
}

/** Writes interleaved first and second derivatives of the loss at the current margins. */
export function computeGradients(
  objective: GbdtObjective,
  y: Float64Array,
  margins: Float64Array,
  gh: Float32Array,
): void {
  const n = y.length;
  if (objective === "binary:logistic") {
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-(margins[i] as number)));
      gh[2 * i] = p - (y[i] as number);
      gh[2 * i + 1] = Math.max(p * (1 - p), 1e-16);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    gh[2 * i] = (margins[i] as number) - (y[i] as number);
    gh[2 * i + 1] = 1;
  }
}

/** The evaluation metric on margins: mean log loss for logistic, RMSE for regression (XGBoost's defaults). */
export function evalLoss(objective: GbdtObjective, y: Float64Array, margins: Float64Array): number {
  const n = y.length;
  let s = 0;
  if (objective === "binary:logistic") {
    for (let i = 0; i < n; i++) {
      const p = Math.min(1 - 1e-15, Math.max(1e-15, 1 / (1 + Math.exp(-(margins[i] as number)))));
      s -= (y[i] as number) === 1 ? Math.log(p) : Math.log(1 - p);
    }
    return s / n;
  }
  for (let i = 0; i < n; i++) {
    const d = (margins[i] as number) - (y[i] as number);
    s += d * d;
  }
  return Math.sqrt(s / n);
}
