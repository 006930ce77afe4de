/**
 * The label-based canary check: the candidate's ROC AUC on predictions that received feedback,
 * against the primary's on the same window. Labels arrive late and slowly, so the check only runs
 * once both variants have enough of them.
 */
import { descendingOrder, rankCurve, rocAuc } from "../../learn/metrics/ranking.js";
import { outcomeClass } from "../../monitoring/live/realized-performance.js";
import type { LabeledScore } from "../../serving/prediction-log/prediction-log-store.js";
import type { CheckResult } from "./window-checks.js";

export interface AucCheckOptions {
  /** The candidate's AUC may be at most this much below the primary's. */
  margin: number;
  /** Labelled rows each variant needs (with both classes present) before the check runs. */
  minLabels: number;
  /** The outcome that counts as positive (the model's `positive_class`, e.g. `Yes`). */
  positiveClass?: string;
}

// One mapping of outcomes to classes for rollouts and live monitoring.
export { outcomeClass } from "../../monitoring/live/realized-performance.js";

/** One variant's AUC with its counts; the AUC is null with fewer than two classes. */
interface VariantAuc {
  auc: number | null;
  positives: number;
  negatives: number;
}

function variantAuc(rows: readonly LabeledScore[], positiveClass: string | undefined): VariantAuc {
  const scores: number[] = [];
  const y: number[] = [];
  for (const r of rows) {
    const c = outcomeClass(r.outcome, positiveClass);
    if (c === undefined || Number.isNaN(r.score)) continue;
    scores.push(r.score);
    y.push(c);
  }
  const positives = y.reduce((n, c) => n + c, 0);
  const auc = rocAuc(rankCurve(y, scores, descendingOrder(scores)));
  return { auc, positives, negatives: y.length - positives };
}

/** Candidate AUC ≥ primary AUC − margin; undefined (not run yet) until both sides have enough labels of both classes. */
export function aucCheck(
  primary: readonly LabeledScore[],
  candidate: readonly LabeledScore[],
  o: AucCheckOptions,
): CheckResult | undefined {
  const p = variantAuc(primary, o.positiveClass);
  const c = variantAuc(candidate, o.positiveClass);
  if (p.auc === null || c.auc === null) return undefined;
  if (p.positives + p.negatives < o.minLabels || c.positives + c.negatives < o.minLabels) return undefined;
  const threshold = p.auc - o.margin;
  return {
    check: "auc",
    passed: c.auc >= threshold,
    value: c.auc,
    threshold,
    detail: `candidate AUC ${c.auc.toFixed(3)} (${counts(c)}) vs primary ${p.auc.toFixed(3)} (${counts(p)}) − ${o.margin}`,
  };
}

function counts(v: VariantAuc): string {
  return `${v.positives + v.negatives} labels: ${v.positives} positive, ${v.negatives} negative`;
}
