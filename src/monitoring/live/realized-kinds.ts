/**
 * Realized performance of regression and multiclass models on the predictions whose outcomes have
 * arrived (binary models: realized-performance.ts). The prediction log keeps each row's score and
 * label, not every class probability, so multiclass performance is the accuracy of the logged
 * label (the top class) against the outcome.
 */
import type { ModelKind } from "../../runtimes/runtime.js";

/** A labelled prediction: its score, its logged label and the outcome that arrived. */
export interface LabelledPrediction {
  score: number;
  label: string;
  outcome: string;
}

/** Realized metrics of a regression or multiclass model, with the training run's values. */
export type KindRealized =
  | { kind: "regression"; rmse: number | null; mae: number | null; trainingRmse: number | null }
  | { kind: "multiclass"; accuracy: number | null; trainingAccuracy: number | null };

export interface RealizedKindOptions {
  minLabels: number;
  /** Regression: concept drift when realized RMSE > training RMSE × (1 + rmseMargin). */
  rmseMargin: number;
  /** Multiclass: concept drift when realized accuracy < training accuracy − accuracyMargin. */
  accuracyMargin: number;
  trainingRmse: number | null;
  trainingAccuracy: number | null;
}

/** The metrics, the rows they rest on, the concept-drift verdict (null: not judged) and why. */
export interface RealizedKindResult {
  realized: KindRealized;
  labelled: number;
  conceptDrift: boolean | null;
  notes: string[];
}

/** Realized RMSE and MAE of a regression model; outcomes that are not numbers are left out (with a note). */
export function realizedRegression(rows: readonly LabelledPrediction[], o: RealizedKindOptions): RealizedKindResult {
  let n = 0;
  let sse = 0;
  let sae = 0;
  let unusable = 0;
  for (const r of rows) {
    const y = r.outcome.trim() === "" ? Number.NaN : Number(r.outcome);
    if (!Number.isFinite(y) || !Number.isFinite(r.score)) {
      unusable++;
      continue;
    }
    n++;
    sse += (y - r.score) ** 2;
    sae += Math.abs(y - r.score);
  }
  const rmse = n > 0 ? Math.sqrt(sse / n) : null;
  const realized: KindRealized = {
    kind: "regression",
    rmse,
    mae: n > 0 ? sae / n : null,
    trainingRmse: o.trainingRmse,
  };
  const notes =
    unusable > 0 ? [`${unusable} outcomes are not numbers (or their prediction has none) and were left out`] : [];
  return judge(realized, n, o, notes, () =>
    o.trainingRmse === null || rmse === null ? null : rmse > o.trainingRmse * (1 + o.rmseMargin),
  );
}

/** Realized accuracy of a multiclass model: the logged label (the top class) against the outcome. */
export function realizedMulticlass(rows: readonly LabelledPrediction[], o: RealizedKindOptions): RealizedKindResult {
  let n = 0;
  let correct = 0;
  for (const r of rows) {
    if (r.label === "") continue;
    n++;
    if (sameClass(r.label, r.outcome)) correct++;
  }
  const accuracy = n > 0 ? correct / n : null;
  const realized: KindRealized = { kind: "multiclass", accuracy, trainingAccuracy: o.trainingAccuracy };
  return judge(realized, n, o, [], () =>
    o.trainingAccuracy === null || accuracy === null ? null : accuracy < o.trainingAccuracy - o.accuracyMargin,
  );
}

/** Realized performance for a regression or multiclass model. */
export function realizedForKind(
  kind: Exclude<ModelKind, "binary">,
  rows: readonly LabelledPrediction[],
  o: RealizedKindOptions,
): RealizedKindResult {
  return kind === "regression" ? realizedRegression(rows, o) : realizedMulticlass(rows, o);
}

/** Class names compared as given, or as numbers when both are (an outcome of `2.0` is class `2`). */
export function sameClass(label: string, outcome: string): boolean {
  if (label === outcome.trim()) return true;
  const a = Number(label);
  const b = Number(outcome);
  return label.trim() !== "" && outcome.trim() !== "" && Number.isFinite(a) && a === b;
}

function judge(
  realized: KindRealized,
  labelled: number,
  o: RealizedKindOptions,
  notes: string[],
  drifted: () => boolean | null,
): RealizedKindResult {
  if (labelled < o.minLabels) {
    notes.push(`too few labels to judge realized performance: ${labelled} labelled, need ${o.minLabels}`);
    return { realized, labelled, conceptDrift: null, notes };
  }
  const verdict = drifted();
  if (verdict === null) {
    const metric = realized.kind === "regression" ? "rmse" : "accuracy";
    notes.push(`no training baseline (${metric}) on the model version's run: concept drift not judged`);
  }
  return { realized, labelled, conceptDrift: verdict, notes };
}
