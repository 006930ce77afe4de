/**
 * Gate metrics with row weights, and the paired bootstrap of (challenger − champion) over them.
 * A bootstrap resample is a vector of row multiplicities, so each model's rows are sorted once and
 * every resample costs O(n) instead of a sort.
 */
import { invalidParam } from "../../core/errors.js";
import { seededRandom } from "../../core/random.js";
import { descendingOrder } from "../../learn/metrics/ranking.js";

/** Metrics a gate can decide on or guard. */
export const GATE_METRICS = ["roc_auc", "pr_auc", "log_loss", "brier"] as const;
export type GateMetric = (typeof GATE_METRICS)[number];

/** True for metrics where a smaller value is better. */
export function lowerIsBetter(metric: GateMetric): boolean {
  return metric === "log_loss" || metric === "brier";
}

/** The metric name checked, or invalidParam naming `field`. */
export function gateMetric(field: string, value: unknown): GateMetric {
  if (typeof value === "string" && (GATE_METRICS as readonly string[]).includes(value)) return value as GateMetric;
  throw invalidParam(`Invalid value for '${field}': expected one of ${GATE_METRICS.join(", ")}, got ${String(value)}.`);
}

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
export function weightedMetric(
  metric: GateMetric,
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

/** Settings of a paired bootstrap. */
export interface BootstrapOptions {
  samples: number;
  /** Two-sided confidence level in (0, 1), e.g. 0.95. */
  confidence: number;
  seed: number;
}

/** A percentile confidence interval of the improvement (positive = challenger better). */
export interface BootstrapInterval {
  lower: number;
  upper: number;
  confidence: number;
  samples: number;
  /** Resamples where the metric was defined for both models (the rest are left out). */
  valid_samples: number;
  seed: number;
}

/**
 * Paired bootstrap: resample rows with replacement, compute the metric for both models on the same
 * resample, and take percentiles of the improvement (challenger − champion, negated when lower is
 * better). Null when no resample had the metric defined.
 */
export function pairedBootstrap(
  metric: GateMetric,
  labels: ArrayLike<number>,
  challenger: RankedScores,
  champion: RankedScores,
  options: BootstrapOptions,
): BootstrapInterval | null {
  const n = labels.length;
  const sign = lowerIsBetter(metric) ? -1 : 1;
  const random = seededRandom(options.seed);
  const weights = new Uint32Array(n);
  const diffs: number[] = [];
  for (let s = 0; s < options.samples; s++) {
    weights.fill(0);
    for (let k = 0; k < n; k++) (weights[Math.floor(random() * n)] as number)++;
    const a = weightedMetric(metric, labels, challenger, weights);
    const b = weightedMetric(metric, labels, champion, weights);
    if (a !== null && b !== null) diffs.push(sign * (a - b));
  }
  if (diffs.length === 0) return null;
  diffs.sort((x, y) => x - y);
  const alpha = (1 - options.confidence) / 2;
  return {
    lower: quantile(diffs, alpha),
    upper: quantile(diffs, 1 - alpha),
    confidence: options.confidence,
    samples: options.samples,
    valid_samples: diffs.length,
    seed: options.seed,
  };
}

/** Linear-interpolation quantile of sorted values (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (pos - lo);
}
