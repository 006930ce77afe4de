/**
 * Binary gate metrics over weighted rows (weight = how often a row occurs in a bootstrap resample):
 * each model's rows are sorted by score once, then every weighting costs O(n).
 */
import { descendingOrder } from "../../learn/metrics/ranking.js";

/** The gate metrics of binary classifiers. */
export type BinaryGateMetric = "roc_auc" | "pr_auc" | "log_loss" | "brier";

/** One model's scores on the evaluation rows, with their descending order computed once. */
export interface RankedScores {
  scores: ArrayLike<number>;
  order: Uint32Array;
}

/** Rank a model's scores for repeated weighted metrics. */
export function rankScores(scores: ArrayLike<number>): RankedScores {
  return { scores, order: descendingOrder(scores) };
}

// sklearn's log_loss clipping, as src/learn/metrics uses.
const EPS = 1e-15;

/**
 * A metric over weighted rows (weight = how often the row occurs; undefined = once each). Null when
 * it is undefined on these rows (AUC with one class, AP without positives, no rows).
 */
export function weightedBinaryMetric(
  metric: BinaryGateMetric,
  labels: ArrayLike<number>,
  ranked: RankedScores,
  weights?: ArrayLike<number>,
): number | null {
  switch (metric) {
    case "roc_auc":
      return rocAuc(labels, ranked, weights);
    case "pr_auc":
      return averagePrecision(labels, ranked, weights);
    case "log_loss":
      return meanOver(labels, ranked.scores, weights, (y, s) => {
        const p = Math.min(Math.max(s, EPS), 1 - EPS);
        return -Math.log(y === 1 ? p : 1 - p);
      });
    case "brier":
      return meanOver(labels, ranked.scores, weights, (y, s) => (s - y) ** 2);
  }
}

function meanOver(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  term: (y: number, s: number) => number,
): number | null {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const w = weights ? (weights[i] as number) : 1;
    if (w === 0) continue;
    sum += w * term(labels[i] as number, scores[i] as number);
    total += w;
  }
  return total > 0 ? sum / total : null;
}

/** Calls `point(tp, fp)` with the cumulative weighted counts at each distinct score, highest first. */
function walkCurve(
  labels: ArrayLike<number>,
  { scores, order }: RankedScores,
  weights: ArrayLike<number> | undefined,
  point: (tp: number, fp: number) => void,
): { tp: number; fp: number } {
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const w = weights ? (weights[i] as number) : 1;
    if (labels[i] === 1) tp += w;
    else fp += w;
    const next = order[k + 1];
    // Tied scores form one point of the curve, as in sklearn.
    if (next === undefined || scores[next] !== scores[i]) point(tp, fp);
  }
  return { tp, fp };
}

function rocAuc(labels: ArrayLike<number>, ranked: RankedScores, weights?: ArrayLike<number>): number | null {
  let area = 0;
  let tpPrev = 0;
  let fpPrev = 0;
  const { tp, fp } = walkCurve(labels, ranked, weights, (t, f) => {
    area += ((f - fpPrev) * (t + tpPrev)) / 2;
    tpPrev = t;
    fpPrev = f;
  });
  return tp > 0 && fp > 0 ? area / (tp * fp) : null;
}

function averagePrecision(labels: ArrayLike<number>, ranked: RankedScores, weights?: ArrayLike<number>): number | null {
  const steps: number[] = [];
  const { tp: positives } = walkCurve(labels, ranked, weights, (t, f) => steps.push(t, f));
  if (positives === 0) return null;
  let ap = 0;
  let recallPrev = 0;
  for (let k = 0; k < steps.length; k += 2) {
    const t = steps[k] as number;
    const f = steps[k + 1] as number;
    if (t + f === 0) continue;
    const recall = t / positives;
    ap += (recall - recallPrev) * (t / (t + f));
    recallPrev = recall;
  }
  return ap;
}
