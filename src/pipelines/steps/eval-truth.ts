/**
 * What the `evaluate` and `gate` steps compare a model with, for every model kind: the evaluation
 * data's truth (0/1 for binary, values for regression, class indices for multiclass) and the
 * model's outputs in the form the kind's metrics take (multiclass: every class probability).
 */
import { invalidParam } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import { binaryLabel, classIndexLabel, numericLabel } from "../../learn/train/label.js";
import type { PartScores } from "../../runtimes/part-scores.js";
import type { LoadedModel, ModelKind } from "../../runtimes/runtime.js";

/** The truth of the evaluation rows for one kind of model. */
export interface EvalTruth {
  kind: ModelKind;
  /** binary: 0/1; regression: the target value; multiclass: the index of the class in `classes`. */
  y: Float64Array;
  /** Multiclass: the class labels, in the order of the model's probability columns. */
  classes?: readonly string[];
}

/** The model's class labels (multiclass), from the loaded model or its signature. */
export function modelClasses(model: LoadedModel): readonly string[] {
  const classes = model.classes ?? model.signature.classes ?? [];
  if (classes.length < 2) throw invalidParam("The multiclass model names fewer than two classes.");
  return classes;
}

/**
 * The truth from the label column (`label`, else the model's signature's `label`) as the model's
 * kind reads it: binary labels by the model's positive class, a numeric regression target, or
 * multiclass labels that must be among the model's classes.
 */
export function evalTruth(table: Table, model: LoadedModel, label?: string): EvalTruth {
  const column = label ?? model.signature.label;
  if (!column) {
    throw invalidParam("The model's signature names no label column: give the label column with 'label'.");
  }
  switch (model.kind) {
    case "binary": {
      const positive = model.signature.positive_class ?? model.classes?.[1];
      return { kind: "binary", y: binaryLabel(table, column, positive).y };
    }
    case "regression":
      return { kind: "regression", y: numericLabel(table, column) };
    case "multiclass": {
      const classes = modelClasses(model);
      return { kind: "multiclass", y: Float64Array.from(classIndexLabel(table, column, classes)), classes };
    }
  }
}

/** A model's outputs for its kind's metrics: one score per row, or rows × classes probabilities. */
export function kindOutputs(model: LoadedModel, parts: PartScores): Float64Array {
  if (model.kind !== "multiclass") return parts.scores;
  if (!parts.probabilities) throw invalidParam("The multiclass model answered no class probabilities.");
  return parts.probabilities;
}

/**
 * Another model's outputs in the truth's terms: the same kind, and for multiclass the same classes
 * (its probability columns reordered to the truth's class order when they come in another order).
 */
export function alignedOutputs(truth: EvalTruth, model: LoadedModel, parts: PartScores, who: string): Float64Array {
  if (model.kind !== truth.kind) {
    throw invalidParam(
      `The ${who} is a ${model.kind} model and the candidate a ${truth.kind} one: they cannot be compared.`,
    );
  }
  const outputs = kindOutputs(model, parts);
  if (truth.kind !== "multiclass") return outputs;
  const want = truth.classes as readonly string[];
  const have = modelClasses(model);
  const column = want.map((c) => have.indexOf(c));
  if (have.length !== want.length || column.includes(-1)) {
    throw invalidParam(
      `The ${who} predicts the classes ${have.join(", ")} and the candidate ${want.join(", ")}: they cannot be compared.`,
    );
  }
  if (column.every((j, k) => j === k)) return outputs;
  const k = want.length;
  const out = new Float64Array(outputs.length);
  for (let i = 0; i < outputs.length / k; i++) {
    for (let c = 0; c < k; c++) out[i * k + c] = outputs[i * k + (column[c] as number)] as number;
  }
  return out;
}
