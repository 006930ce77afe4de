/**
 * Realized performance of a time window from its label buckets: counts, log loss and calibration
 * from every label's sums, the AUC from the window's stratified sample of the labelled scores
 * (every label while they fit in the buckets' samples and the window's limit).
 */
import { descendingOrder, rankCurve, rocAuc } from "../../../learn/metrics/ranking.js";
import type { Realized, RealizedOptions } from "../realized-performance.js";
import { judgeRealized, outcomeClass } from "../realized-performance.js";
import type { VersionWindow } from "./bucket-window.js";
import { CALIBRATION_BINS } from "./label-bucket.js";
import type { SampleSize } from "./stratified.js";

/** Realized figures and verdict, and the AUC's sample when it is one. */
export function windowRealized(w: VersionWindow, o: RealizedOptions): Realized & { aucSample?: SampleSize } {
  let labelled = 0;
  let positives = 0;
  let loss = 0;
  const n = new Float64Array(CALIBRATION_BINS);
  const pos = new Float64Array(CALIBRATION_BINS);
  const sum = new Float64Array(CALIBRATION_BINS);
  for (const [outcome, s] of w.outcomes) {
    const c = outcomeClass(outcome, o.positiveClass);
    if (c === undefined) continue;
    labelled += s.count;
    positives += c * s.count;
    loss += c === 1 ? s.lossIfPositive : s.lossIfNegative;
    for (let b = 0; b < CALIBRATION_BINS; b++) {
      (n[b] as number) += s.binCounts[b] as number;
      if (c === 1) (pos[b] as number) += s.binCounts[b] as number;
      (sum[b] as number) += s.binSums[b] as number;
    }
  }
  let calibrationError = 0;
  for (let b = 0; b < CALIBRATION_BINS; b++) {
    const count = n[b] as number;
    if (count > 0) {
      calibrationError += (count / labelled) * Math.abs((pos[b] as number) / count - (sum[b] as number) / count);
    }
  }
  const sample = w.labelSample;
  const scores: number[] = [];
  const y: number[] = [];
  sample.outcomes.forEach((outcome, i) => {
    const c = outcomeClass(outcome, o.positiveClass);
    if (c === undefined) return;
    scores.push(sample.scores[i] as number);
    y.push(c);
  });
  const auc = y.length > 0 ? rocAuc(rankCurve(y, scores, descendingOrder(scores))) : null;
  const figures = {
    labelled,
    positives,
    auc: labelled > 0 ? auc : null,
    logLoss: labelled > 0 ? loss / labelled : null,
    calibrationError: labelled > 0 ? calibrationError : null,
  };
  const out = judgeRealized(figures, o);
  return sample.size.size < sample.size.total ? { ...out, aucSample: sample.size } : out;
}
