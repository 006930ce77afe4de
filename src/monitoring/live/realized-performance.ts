/**
 * Realized performance (NannyML's term): how the model did on the predictions whose outcomes have
 * arrived, against what it did at training time. A drop beyond the margins while the labelled
 * sample is large enough is concept drift.
 */
import { descendingOrder, rankCurve, rocAuc } from "../../learn/metrics/ranking.js";

/** Labelled scores of one model version. */
export interface Labelled {
  score: number;
  outcome: string;
}

export interface RealizedOptions {
  /** The outcome that counts as positive (the signature's `positive_class`). */
  positiveClass?: string;
  minLabels: number;
  aucMargin: number;
  logLossMargin: number;
  trainingAuc: number | null;
  trainingLogLoss: number | null;
}

export interface Realized {
  /** Labelled rows with a usable score and outcome. */
  labelled: number;
  positives: number;
  auc: number | null;
  logLoss: number | null;
  calibrationError: number | null;
  /** Null while there are too few labels (or classes), or no training baseline. */
  conceptDrift: boolean | null;
  notes: string[];
}

const EPS = 1e-15;
const BINS = 10;

/**
 * An outcome as a class: `positiveClass` → 1; else `1`/`true` → 1 and `0`/`false` → 0 (any case);
 * anything else is 0 when `positiveClass` is given, and unusable (undefined) when it is not.
 */
export function outcomeClass(outcome: string, positiveClass?: string): 0 | 1 | undefined {
  if (positiveClass !== undefined && outcome === positiveClass) return 1;
  const lower = outcome.toLowerCase();
  if (lower === "1" || lower === "true") return 1;
  if (lower === "0" || lower === "false") return 0;
  return positiveClass !== undefined ? 0 : undefined;
}

/** AUC, log loss and calibration error of the labelled rows, and the concept-drift verdict. */
export function realizedPerformance(rows: readonly Labelled[], o: RealizedOptions): Realized {
  const scores: number[] = [];
  const y: number[] = [];
  for (const r of rows) {
    const c = outcomeClass(r.outcome, o.positiveClass);
    if (c === undefined || !Number.isFinite(r.score)) continue;
    scores.push(r.score);
    y.push(c);
  }
  const positives = y.reduce((n, c) => n + c, 0);
  return judgeRealized(
    {
      labelled: y.length,
      positives,
      auc: y.length > 0 ? rocAuc(rankCurve(y, scores, descendingOrder(scores))) : null,
      logLoss: y.length > 0 ? logLoss(y, scores) : null,
      calibrationError: y.length > 0 ? expectedCalibrationError(y, scores) : null,
    },
    o,
  );
}

/** The measured figures of labelled rows (however they were computed). */
export type RealizedFigures = Pick<Realized, "labelled" | "positives" | "auc" | "logLoss" | "calibrationError">;

/** The concept-drift verdict and notes for measured figures. */
export function judgeRealized(figures: RealizedFigures, o: RealizedOptions): Realized {
  const out: Realized = { ...figures, conceptDrift: null, notes: [] };
  const { labelled, positives } = figures;
  if (labelled < o.minLabels || positives === 0 || positives === labelled) {
    out.notes.push(
      `too few labels to judge realized performance: ${labelled} labelled (${positives} positive), ` +
        `need ${o.minLabels} with both classes`,
    );
    return out;
  }
  const aucDrop = o.trainingAuc !== null && out.auc !== null ? out.auc < o.trainingAuc - o.aucMargin : null;
  const lossRise =
    o.trainingLogLoss !== null && out.logLoss !== null ? out.logLoss > o.trainingLogLoss + o.logLossMargin : null;
  if (aucDrop === null && lossRise === null) {
    out.notes.push("no training baseline (roc_auc, log_loss) on the model version's run: concept drift not judged");
    return out;
  }
  out.conceptDrift = aucDrop === true || lossRise === true;
  return out;
}

/** Mean binary cross-entropy with scores clipped to [1e-15, 1 − 1e-15] (sklearn's rule). */
export function logLoss(y: readonly number[], p: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i] as number, EPS), 1 - EPS);
    sum -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return sum / y.length;
}

/** Expected calibration error over 10 equal-width score bins: Σ share(bin) × |positive rate − mean score|. */
export function expectedCalibrationError(y: readonly number[], p: readonly number[]): number {
  const n = new Float64Array(BINS);
  const pos = new Float64Array(BINS);
  const sum = new Float64Array(BINS);
  for (let i = 0; i < y.length; i++) {
    const s = Math.min(Math.max(p[i] as number, 0), 1);
    // A score of exactly 1 belongs to the last bin.
    const b = Math.min(Math.floor(s * BINS), BINS - 1);
    n[b]++;
    pos[b] += y[i] as number;
    sum[b] += s;
  }
  let ece = 0;
  for (let b = 0; b < BINS; b++) {
    const count = n[b] as number;
    if (count > 0) ece += (count / y.length) * Math.abs((pos[b] as number) / count - (sum[b] as number) / count);
  }
  return ece;
}
