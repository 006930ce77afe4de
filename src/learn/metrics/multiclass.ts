/**
 * Multiclass evaluation matching scikit-learn 1.2 (log_loss, accuracy_score, f1_score with
 * average="macro"); scripts/fixtures/make-metric-fixtures.py writes the cases it is checked against.
 */
import { invalidParam } from "../../core/errors.js";
import type { ClassMetrics, MulticlassEvaluation } from "./types.js";

/** sklearn's log_loss clipping before 1.3 (probabilities are clipped, then each row renormalised). */
const EPS = 1e-15;

/**
 * Evaluates class probabilities (`probabilities[i * k + c]` = P(row i is class c), k = classes.length)
 * against true class indices. The predicted class is the most probable (the first on ties, as
 * numpy's argmax). Macro F1 averages over the classes that occur in the truth or the predictions,
 * as sklearn does by default (a class absent from both is left out, not counted as 0).
 */
export function evaluateMulticlass(
  yTrue: ArrayLike<number>,
  probabilities: ArrayLike<number>,
  classes: readonly string[],
): MulticlassEvaluation {
  const k = classes.length;
  const n = yTrue.length;
  checkInputs(yTrue, probabilities, k);
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const y = yTrue[i] as number;
    const predicted = argmaxRow(probabilities, i, k);
    (confusion[y] as number[])[predicted] = ((confusion[y] as number[])[predicted] as number) + 1;
    if (predicted === y) correct++;
    loss += rowLogLoss(probabilities, i, k, y);
  }
  const perClass = classMetrics(confusion, classes);
  const seen = perClass.filter((c) => c.support > 0 || c.predicted > 0);
  return {
    count: n,
    classes: [...classes],
    log_loss: loss / n,
    accuracy: correct / n,
    macro_f1: seen.reduce((s, c) => s + c.f1, 0) / seen.length,
    per_class: perClass,
    confusion_matrix: confusion,
  };
}

/** The index of the row's largest probability (the first of equal ones). */
export function argmaxRow(p: ArrayLike<number>, row: number, k: number): number {
  let best = 0;
  let top = p[row * k] as number;
  for (let c = 1; c < k; c++) {
    const q = p[row * k + c] as number;
    if (q > top) {
      top = q;
      best = c;
    }
  }
  return best;
}

/** −log of the true class's probability after sklearn's clipping and row renormalisation. */
export function rowLogLoss(p: ArrayLike<number>, row: number, k: number, y: number): number {
  let sum = 0;
  for (let c = 0; c < k; c++) sum += clip(p[row * k + c] as number);
  return -Math.log(clip(p[row * k + y] as number) / sum);
}

function clip(q: number): number {
  return Math.min(Math.max(q, EPS), 1 - EPS);
}

/** Precision, recall and F1 per class from the confusion matrix (rows: truth, columns: prediction). */
export function classMetrics(confusion: readonly (readonly number[])[], classes: readonly string[]): ClassMetrics[] {
  return classes.map((name, c) => {
    let support = 0;
    let predicted = 0;
    for (let j = 0; j < classes.length; j++) {
      support += (confusion[c] as readonly number[])[j] as number;
      predicted += (confusion[j] as readonly number[])[c] as number;
    }
    const tp = (confusion[c] as readonly number[])[c] as number;
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = support + predicted === 0 ? 0 : (2 * tp) / (support + predicted);
    return { class: name, support, predicted, precision, recall, f1 };
  });
}

function checkInputs(yTrue: ArrayLike<number>, p: ArrayLike<number>, k: number): void {
  const n = yTrue.length;
  if (k < 2) throw invalidParam(`a multiclass evaluation needs at least 2 classes, got ${k}`);
  if (n === 0) throw invalidParam("cannot evaluate zero rows");
  if (p.length !== n * k) throw invalidParam(`probabilities has ${p.length} values, expected ${n} rows × ${k} classes`);
  for (let i = 0; i < n; i++) {
    const y = yTrue[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= k) {
      throw invalidParam(`yTrue[${i}] must be a class index from 0 to ${k - 1}, got ${y}`);
    }
    for (let c = 0; c < k; c++) {
      const q = p[i * k + c] as number;
      if (!(q >= 0 && q <= 1)) throw invalidParam(`probabilities[${i}][${c}] must be in [0, 1], got ${q}`);
    }
  }
}
