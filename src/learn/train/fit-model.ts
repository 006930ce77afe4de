/**
 * Fit a model on a table: encode the label, split (seeded; stratified for a classifier) unless an
 * evaluation table is given, fit the preprocessing and the trainer, evaluate, and assemble the
 * model package. A binary classifier (GBDT or logistic regression) or, with the GBDT's
 * `reg:squarederror` objective, a regression. Pure: no tracking, no files — the caller logs and
 * stores what comes back.
 */
import { invalidParam } from "../../core/errors.js";
import type { DatasetProfile } from "../../data/profile.js";
import type { Table } from "../../data/table.js";
import type { FeatureMatrix } from "../feature-matrix.js";
import { takeRows } from "../feature-matrix.js";
import { trainGbdt } from "../gbdt/train-gbdt.js";
import { trainLogistic } from "../linear/logistic.js";
import { evaluateBinary } from "../metrics/binary.js";
import { evaluateRegression } from "../metrics/regression.js";
import type { BinaryEvaluation, RegressionEvaluation } from "../metrics/types.js";
import type { ModelPackage, ModelSignature } from "../package/model-package.js";
import { fitPreprocessor } from "../preprocess/fit.js";
import { randomSplit, stratifiedSplit } from "../preprocess/split.js";
import { binaryLabel, numericLabel } from "./label.js";
import { selectFeatures } from "./select-features.js";
import type { Algo, ResolvedParams, Task } from "./train-params.js";
import { taskOf } from "./train-params.js";

export interface FitOptions {
  label: string;
  algo: Algo;
  params: ResolvedParams;
  seed: number;
  /** Evaluation data; without it a seeded stratified 20 % of `table` is held out. */
  evalTable?: Table;
  positiveClass?: string;
  features?: readonly string[];
  /** A column to break the evaluation down by. */
  sliceColumn?: string;
  /** The training data's profile, saved in the package as the drift reference. */
  referenceProfile?: DatasetProfile;
  onIteration?: (iteration: number, trainLoss: number, validLoss?: number) => void;
}

/** What a fit produces; the evaluation is the task's. */
export type FitResult = {
  package: ModelPackage;
  featureImportance: Record<string, number>;
  trainRows: number;
  evalRows: number;
} & ({ task: "binary"; evaluation: BinaryEvaluation } | { task: "regression"; evaluation: RegressionEvaluation });

/** The training target as the task reads it. */
interface Target {
  task: Task;
  /** Encode `t`'s label column: 0/1 for a classifier (by the positive class), the value for a regression. */
  y(t: Table): Float64Array;
  signature: Pick<ModelSignature, "task" | "positive_class" | "negative_class" | "threshold">;
}

/**
 * Check what can be checked before training (objective, label, features, evaluation columns), so
 * a caller can refuse bad input before it creates a tracking run.
 */
export function checkFitInputs(table: Table, o: Omit<FitOptions, "onIteration">): void {
  const objective = o.params.objective;
  if (o.algo === "gbdt" && objective !== "binary:logistic" && objective !== "reg:squarederror") {
    throw invalidParam(`objective '${objective}' is not supported by 'modelworks train'.`);
  }
  const target = targetOf(table, o);
  selectFeatures(table, o.label, o.features);
  if (o.evalTable) {
    const missing = table.columnNames.filter((n) => !o.evalTable?.column(n));
    if (missing.length) throw invalidParam(`The evaluation data lacks column(s): ${missing.join(", ")}.`);
    target.y(o.evalTable);
  }
}

/** The target of a fit: a binary label (the positive class from the training data) or a numeric value. */
function targetOf(table: Table, o: Omit<FitOptions, "onIteration">): Target {
  if (taskOf(o.algo, o.params) === "regression") {
    if (o.positiveClass !== undefined) throw invalidParam("A regression has no positive class; leave out --positive.");
    if (o.sliceColumn !== undefined) throw invalidParam("Evaluation slices are for classifiers; leave out --slice.");
    numericLabel(table, o.label);
    return { task: "regression", y: (t) => numericLabel(t, o.label), signature: { task: "regression" } };
  }
  const label = binaryLabel(table, o.label, o.positiveClass);
  return {
    task: "binary",
    y: (t) => binaryLabel(t, o.label, label.positiveClass).y,
    signature: {
      task: "binary",
      positive_class: label.positiveClass,
      negative_class: label.negativeClass,
      threshold: 0.5,
    },
  };
}

/** Fit and evaluate a binary classifier or a regression. */
export async function fitModel(table: Table, o: FitOptions): Promise<FitResult> {
  checkFitInputs(table, o);
  const target = targetOf(table, o);
  const features = selectFeatures(table, o.label, o.features);
  const { train, test } = splitTables(table, target, o);
  const yTrain = target.y(train);
  const yTest = target.y(test);
  const pre = fitPreprocessor(train, { features, kind: o.algo === "gbdt" ? "tree" : "linear" });
  const xTrain = pre.transform(train);
  const xTest = pre.transform(test);
  const { model, scores, importance } = await trainAndScore(o, target.task, xTrain, yTrain, xTest, yTest);
  const pkg: ModelPackage = {
    algo: o.algo,
    model,
    preprocessor: pre.toJSON(),
    signature: { ...target.signature, inputs: pre.inputSignature(), label: o.label },
    ...(o.referenceProfile ? { referenceProfile: o.referenceProfile } : {}),
  };
  const common = { package: pkg, featureImportance: importance, trainRows: train.numRows, evalRows: test.numRows };
  if (target.task === "regression")
    return { ...common, task: "regression", evaluation: evaluateRegression(yTest, scores) };
  const slice = o.sliceColumn ? sliceValues(test, o.sliceColumn) : undefined;
  return { ...common, task: "binary", evaluation: evaluateBinary(yTest, scores, slice ? { slices: slice } : {}) };
}

function splitTables(table: Table, target: Target, o: FitOptions): { train: Table; test: Table } {
  if (o.evalTable) return { train: table, test: o.evalTable };
  const split = splitRows(target.task, target.y(table), 0.2, o.seed);
  return { train: table.take(split.train), test: table.take(split.test) };
}

/** Stratified by class for a classifier; random for a regression (no classes to keep). */
function splitRows(task: Task, y: Float64Array, testFraction: number, seed: number) {
  return task === "regression" ? randomSplit(y.length, testFraction, seed) : stratifiedSplit(y, testFraction, seed);
}

async function trainAndScore(
  o: FitOptions,
  task: Task,
  x: FeatureMatrix,
  y: Float64Array,
  xTest: FeatureMatrix,
  yTest: Float64Array,
) {
  if (o.algo === "linear") {
    const m = trainLogistic(
      x,
      y,
      { C: Number(o.params.C), maxIter: Number(o.params.max_iter), tol: Number(o.params.tol) },
      o.onIteration ? { onIteration: (i: number, loss: number) => o.onIteration?.(i, loss) } : {},
    );
    const importance: Record<string, number> = {};
    m.featureNames.forEach((n, j) => {
      importance[n] = Math.abs(m.coefficients[j] as number);
    });
    return { model: m.toJSON(), scores: m.predict(xTest), importance };
  }
  const { objective: _, ...params } = o.params;
  // Early stopping must not peek at the evaluation data: it watches 10 % carved from training.
  const stopping = Number(params.early_stopping_rounds ?? 0) > 0;
  const parts = stopping ? carveValidation(task, x, y, o.seed) : { x, y, valid: { x: xTest, y: yTest } };
  const objective = task === "regression" ? ("reg:squarederror" as const) : ("binary:logistic" as const);
  const gbdtParams = { ...(params as Record<string, number>), objective, seed: o.seed };
  const m = await trainGbdt(parts.x, parts.y, gbdtParams, {
    valid: parts.valid,
    ...(o.onIteration ? { onIteration: o.onIteration } : {}),
  });
  return { model: m.toJSON(), scores: m.predict(xTest), importance: m.featureImportance() };
}

function carveValidation(task: Task, x: FeatureMatrix, y: Float64Array, seed: number) {
  const { train, test } = splitRows(task, y, 0.1, seed + 1);
  return {
    x: takeRows(x, train),
    y: takeLabels(y, train),
    valid: { x: takeRows(x, test), y: takeLabels(y, test) },
  };
}

function takeLabels(y: Float64Array, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = y[rows[i] as number] as number;
  return out;
}

function sliceValues(t: Table, name: string): { name: string; values: (string | null)[] } {
  const c = t.column(name);
  if (!c) throw invalidParam(`Slice column '${name}' is not in the data.`);
  const values: (string | null)[] = [];
  for (let i = 0; i < c.length; i++) {
    if (c.nulls?.[i]) values.push(null);
    else if (c.type === "string") values.push(c.dictionary[c.codes[i] as number] as string);
    else values.push(String(c.values[i]));
  }
  return { name, values };
}
