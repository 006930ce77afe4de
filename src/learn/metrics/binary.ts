/**
 * Binary-classification evaluation matching scikit-learn (see scripts/fixtures/make-metric-fixtures.py
 * for the sklearn calls each number is checked against). One O(n log n) sort feeds every ranking metric.
 */
import { invalidParam } from "../../core/errors.js";
import { averagePrecision, bestF1Threshold, descendingOrder, liftTopDecile, rankCurve, rocAuc } from "./ranking.js";
import type {
  BinaryEvaluation,
  CalibrationBin,
  ConfusionMatrix,
  SliceMetrics,
  SliceReport,
  ThresholdMetrics,
} from "./types.js";

/** Options of {@link evaluateBinary}. */
export interface BinaryEvaluationOptions {
  /** A categorical column, one value per row, to break metrics down by. */
  slices?: { name: string; values: readonly (string | null)[] };
  /** Number of equal-width calibration bins on [0, 1] (default 10). */
  calibrationBins?: number;
}

/** sklearn's log_loss clipping (its default eps before 1.3). */
const EPS = 1e-15;

/** Evaluates probabilities against 0/1 labels: ranking, calibration, threshold metrics and optional slices. */
export function evaluateBinary(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  options: BinaryEvaluationOptions = {},
): BinaryEvaluation {
  checkInputs(yTrue, scores);
  const bins = options.calibrationBins ?? 10;
  if (!Number.isInteger(bins) || bins < 1)
    throw invalidParam(`calibrationBins must be a positive integer, got ${bins}`);
  const order = descendingOrder(scores);
  const curve = rankCurve(yTrue, scores, order);
  const count = yTrue.length;
  const positives = curve.tps[curve.tps.length - 1] as number;
  return {
    count,
    positives,
    base_rate: positives / count,
    roc_auc: rocAuc(curve),
    pr_auc: averagePrecision(curve),
    log_loss: logLoss(yTrue, scores),
    brier: meanOf(count, (i) => ((scores[i] as number) - (yTrue[i] as number)) ** 2),
    default_threshold: thresholdMetrics(yTrue, scores, 0.5),
    best_f1_threshold: thresholdMetrics(yTrue, scores, bestF1Threshold(curve)),
    calibration: calibration(yTrue, scores, bins),
    lift_top_decile: liftTopDecile(yTrue, order, positives),
    slices: options.slices ? sliceReport(yTrue, scores, options.slices) : null,
  };
}

function checkInputs(yTrue: ArrayLike<number>, scores: ArrayLike<number>): void {
  if (yTrue.length !== scores.length) {
    throw invalidParam(`yTrue has ${yTrue.length} rows but scores has ${scores.length}`);
  }
  if (yTrue.length === 0) throw invalidParam("cannot evaluate zero rows");
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i];
    if (y !== 0 && y !== 1) throw invalidParam(`yTrue[${i}] must be 0 or 1, got ${y}`);
    const s = scores[i] as number;
    if (!(s >= 0 && s <= 1)) throw invalidParam(`scores[${i}] must be a probability in [0, 1], got ${s}`);
  }
}

function meanOf(n: number, term: (i: number) => number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += term(i);
  return sum / n;
}

function logLoss(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  return meanOf(yTrue.length, (i) => {
    const p = Math.min(Math.max(scores[i] as number, EPS), 1 - EPS);
    return -Math.log(yTrue[i] === 1 ? p : 1 - p);
  });
}

function confusion(yTrue: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): ConfusionMatrix {
  const m = { tn: 0, fp: 0, fn: 0, tp: 0 };
  for (let i = 0; i < yTrue.length; i++) {
    const predicted = (scores[i] as number) >= threshold;
    if (yTrue[i] === 1) predicted ? m.tp++ : m.fn++;
    else predicted ? m.fp++ : m.tn++;
  }
  return m;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

function thresholdMetrics(yTrue: ArrayLike<number>, scores: ArrayLike<number>, threshold: number): ThresholdMetrics {
  const cm = confusion(yTrue, scores, threshold);
  return {
    threshold,
    accuracy: (cm.tp + cm.tn) / yTrue.length,
    precision: ratio(cm.tp, cm.tp + cm.fp),
    recall: ratio(cm.tp, cm.tp + cm.fn),
    f1: ratio(2 * cm.tp, 2 * cm.tp + cm.fp + cm.fn),
    confusion_matrix: cm,
  };
}

/** Bin edges as numpy.linspace(0, 1, bins + 1) computes them (k * step, last exactly 1). */
function binEdges(bins: number): number[] {
  const step = 1 / bins;
  return Array.from({ length: bins + 1 }, (_, k) => (k === bins ? 1 : k * step));
}

/** Like sklearn's calibration_curve: a score on an inner edge belongs to the lower bin. */
function binOf(edges: readonly number[], s: number): number {
  let lo = 0;
  let hi = edges.length - 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid + 1] as number) < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function calibration(yTrue: ArrayLike<number>, scores: ArrayLike<number>, bins: number): CalibrationBin[] {
  const edges = binEdges(bins);
  const count = new Float64Array(bins);
  const sumScore = new Float64Array(bins);
  const sumTrue = new Float64Array(bins);
  for (let i = 0; i < yTrue.length; i++) {
    const b = binOf(edges, scores[i] as number);
    count[b]++;
    sumScore[b] += scores[i] as number;
    sumTrue[b] += yTrue[i] as number;
  }
  return Array.from({ length: bins }, (_, b) => {
    const c = count[b] as number;
    return {
      lower: edges[b] as number,
      upper: edges[b + 1] as number,
      count: c,
      mean_predicted: c === 0 ? null : (sumScore[b] as number) / c,
      observed_rate: c === 0 ? null : (sumTrue[b] as number) / c,
    };
  });
}

function sliceGroups(values: readonly (string | null)[]): Map<string | null, number[]> {
  const groups = new Map<string | null, number[]>();
  values.forEach((v, i) => {
    const rows = groups.get(v);
    if (rows) rows.push(i);
    else groups.set(v, [i]);
  });
  return groups;
}

function compareSliceValues(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function sliceMetrics(value: string | null, y: Float64Array, s: Float64Array): SliceMetrics {
  const order = descendingOrder(s);
  const curve = rankCurve(y, s, order);
  return {
    value,
    count: y.length,
    positives: curve.tps[curve.tps.length - 1] as number,
    roc_auc: rocAuc(curve),
    log_loss: logLoss(y, s),
    accuracy: thresholdMetrics(y, s, 0.5).accuracy,
  };
}

function sliceReport(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
  slices: NonNullable<BinaryEvaluationOptions["slices"]>,
): SliceReport {
  if (slices.values.length !== yTrue.length) {
    throw invalidParam(`slice '${slices.name}' has ${slices.values.length} values, expected ${yTrue.length}`);
  }
  const groups = [...sliceGroups(slices.values)].sort(([a], [b]) => compareSliceValues(a, b));
  return {
    name: slices.name,
    groups: groups.map(([value, rows]) =>
      sliceMetrics(
        value,
        Float64Array.from(rows, (i) => yTrue[i] as number),
        Float64Array.from(rows, (i) => scores[i] as number),
      ),
    ),
  };
}
