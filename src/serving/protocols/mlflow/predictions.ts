/** MLflow scoring responses: `{"predictions": ...}`. */
import type { ModelSignature } from "../../../learn/package/model-package.js";

/** One binary prediction: the positive-class probability and the label at the signature's threshold. */
export interface BinaryPrediction {
  probability: number;
  label: string | number;
}

/** One multiclass prediction: the top class, its probability, and every class's probability. */
export interface MulticlassPrediction {
  label: string;
  probability: number;
  probabilities: Record<string, number>;
}

export interface ScoringResponse {
  predictions: BinaryPrediction[] | MulticlassPrediction[] | number[];
}

export interface FormatPredictionsOptions {
  /**
   * The label for rows below the threshold when the signature has a `positive_class` (the
   * signature does not record the other class). Default: `not <positive_class>`.
   */
  negativeClass?: string;
  /** Multiclass: every probability (rows × classes) and the top class's index per row. */
  probabilities?: Float64Array;
  top?: Int32Array;
}

/**
 * The response body for model scores. Binary: `{probability, label}` per row, label positive when
 * `probability >= (signature.threshold ?? 0.5)`; labels are `positive_class` / `negativeClass`
 * when the signature names a positive class, else 1 / 0. Regression: the values as a list.
 * Multiclass: `{label, probability, probabilities: {class: p}}` per row (the signature's classes).
 * Non-finite scores serialize as JSON `null`, as `JSON.stringify` does.
 */
export function formatPredictions(
  scores: Float64Array,
  signature: ModelSignature,
  options?: FormatPredictionsOptions,
): ScoringResponse {
  const n = scores.length;
  if (signature.task === "multiclass") return { predictions: multiclass(scores, signature.classes ?? [], options) };
  if (signature.task !== "binary") {
    const values: number[] = new Array(n);
    for (let i = 0; i < n; i++) values[i] = scores[i] as number;
    return { predictions: values };
  }
  const threshold = signature.threshold ?? 0.5;
  const pos = signature.positive_class;
  const yes: string | number = pos ?? 1;
  const no: string | number =
    pos === undefined ? 0 : (options?.negativeClass ?? signature.negative_class ?? `not ${pos}`);
  const out: BinaryPrediction[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const p = scores[i] as number;
    out[i] = { probability: p, label: p >= threshold ? yes : no };
  }
  return { predictions: out };
}

function multiclass(
  scores: Float64Array,
  classes: readonly string[],
  options?: FormatPredictionsOptions,
): MulticlassPrediction[] {
  const { probabilities, top } = options ?? {};
  if (!probabilities || !top) throw new Error("multiclass predictions need their probabilities");
  const k = classes.length;
  const out: MulticlassPrediction[] = new Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const all: Record<string, number> = {};
    for (let c = 0; c < k; c++) all[classes[c] as string] = probabilities[i * k + c] as number;
    out[i] = { label: classes[top[i] as number] as string, probability: scores[i] as number, probabilities: all };
  }
  return out;
}
