/**
 * Label-based canary checks of regression and multiclass models (binary: auc-check.ts), the
 * candidate against the primary on predictions that received feedback: the candidate's RMSE may
 * exceed the primary's by a share, its accuracy may fall below the primary's by a margin. Neither
 * runs until both variants have enough labels.
 */
import { sameClass } from "../../monitoring/live/realized-kinds.js";
import type { LabeledScore } from "../../serving/prediction-log/prediction-log-store.js";
import type { CheckResult } from "./window-checks.js";

export interface RmseCheckOptions {
  /** The candidate's RMSE may be at most the primary's × (1 + maxIncrease). */
  maxIncrease: number;
  /** Labelled rows with a numeric outcome each variant needs before the check runs. */
  minLabels: number;
}

export interface AccuracyCheckOptions {
  /** The candidate's accuracy may be at most this much below the primary's. */
  margin: number;
  minLabels: number;
}

/** RMSE of the rows whose outcome is a number, and how many those are. */
function variantRmse(rows: readonly LabeledScore[]): { rmse: number; n: number } {
  let n = 0;
  let sse = 0;
  for (const r of rows) {
    const y = r.outcome.trim() === "" ? Number.NaN : Number(r.outcome);
    if (!Number.isFinite(y) || !Number.isFinite(r.score)) continue;
    n++;
    sse += (y - r.score) ** 2;
  }
  return { rmse: n > 0 ? Math.sqrt(sse / n) : Number.NaN, n };
}

/** Candidate RMSE ≤ primary RMSE × (1 + maxIncrease); undefined (not run yet) until both sides have enough labels. */
export function rmseCheck(
  primary: readonly LabeledScore[],
  candidate: readonly LabeledScore[],
  o: RmseCheckOptions,
): CheckResult | undefined {
  const p = variantRmse(primary);
  const c = variantRmse(candidate);
  if (p.n < o.minLabels || c.n < o.minLabels) return undefined;
  const threshold = p.rmse * (1 + o.maxIncrease);
  return {
    check: "rmse",
    passed: c.rmse <= threshold,
    value: c.rmse,
    threshold,
    detail: `candidate RMSE ${fmt(c.rmse)} (${c.n} labels) vs primary ${fmt(p.rmse)} (${p.n} labels) × (1 + ${o.maxIncrease})`,
  };
}

/** Share of rows whose logged label (the top class) is the outcome. */
function variantAccuracy(rows: readonly LabeledScore[]): { accuracy: number; n: number } {
  let n = 0;
  let correct = 0;
  for (const r of rows) {
    if (r.label === "") continue;
    n++;
    if (sameClass(r.label, r.outcome)) correct++;
  }
  return { accuracy: n > 0 ? correct / n : Number.NaN, n };
}

/** Candidate accuracy ≥ primary accuracy − margin; undefined (not run yet) until both sides have enough labels. */
export function accuracyCheck(
  primary: readonly LabeledScore[],
  candidate: readonly LabeledScore[],
  o: AccuracyCheckOptions,
): CheckResult | undefined {
  const p = variantAccuracy(primary);
  const c = variantAccuracy(candidate);
  if (p.n < o.minLabels || c.n < o.minLabels) return undefined;
  const threshold = p.accuracy - o.margin;
  return {
    check: "accuracy",
    passed: c.accuracy >= threshold,
    value: c.accuracy,
    threshold,
    detail: `candidate accuracy ${fmt(c.accuracy)} (${c.n} labels) vs primary ${fmt(p.accuracy)} (${p.n} labels) − ${o.margin}`,
  };
}

function fmt(x: number): string {
  return x.toFixed(3);
}
