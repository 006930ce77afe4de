/**
 * Fit a model on a table: encode the label, split (seeded, stratified) unless an evaluation table
 * is given, fit the preprocessing and the trainer, evaluate, and assemble the model package.
 * Pure: no tracking, no files — the caller logs and stores what comes back.
 */
import { invalidParam } from "../../core/errors.js";
import type { DatasetProfile } from "../../data/profile.js";
import type { Table } from "../../data/table.js";
import type { FeatureMatrix } from "../feature-matrix.js";
import { takeRows } from "../feature-matrix.js";
import { trainGbdt } from "../gbdt/train-gbdt.js";
import { trainLogistic } from "../linear/logistic.js";
import { evaluateBinary } from "../metrics/binary.js";
import type { BinaryEvaluation } from "../metrics/types.js";
import type { ModelPackage } from "../package/model-package.js";
import { fitPreprocessor } from "../preprocess/fit.js";
import { stratifiedSplit } from "../preprocess/split.js";
import { binaryLabel } from "./label.js";
import { selectFeatures } from "./select-features.js";
import type { Algo, ResolvedParams } from "./train-params.js";

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

/** What a fit produces. */
export interface FitResult {
  package: ModelPackage;
  evaluation: BinaryEvaluation;
  featureImportance: Record<string, number>;
  trainRows: number;
  evalRows: number;
}

/**
 * Check what can be checked before training (objective, label, features, evaluation columns), so
 * a caller can refuse bad input before it creates a tracking run.
 */
export function checkFitInputs(table: Table, o: Omit<FitOptions, "onIteration">): void {
  if (o.algo === "gbdt" && o.params.objective !== "binary:logistic") {
    throw invalidParam(
      `objective '${o.params.objective}' is not supported by 'modelworks train' yet; use binary:logistic.`,
    );
  }
  const label = binaryLabel(table, o.label, o.positiveClass);
  selectFeatures(table, o.label, o.features);
  if (o.evalTable) {
    const missing = table.columnNames.filter((n) => !o.evalTable?.column(n));
    if (missing.length) throw invalidParam(`The evaluation data lacks column(s): ${missing.join(", ")}.`);
    binaryLabel(o.evalTable, o.label, label.positiveClass);
  }
}

/** Fit and evaluate a binary classifier. */
export async function fitModel(table: Table, o: FitOptions): Promise<FitResult> {
  checkFitInputs(table, o);
  const label = binaryLabel(table, o.label, o.positiveClass);
  const features = selectFeatures(table, o.label, o.features);
  const { train, test } = splitTables(table, label.y, o);
  const yTrain = binaryLabel(train, o.label, label.positiveClass).y;
  const yTest = binaryLabel(test, o.label, label.positiveClass).y;
  const pre = fitPreprocessor(train, { features, kind: o.algo === "gbdt" ? "tree" : "linear" });
  const xTrain = pre.transform(train);
  const xTest = pre.transform(test);
  const { model, scores, importance } = await trainAndScore(o, xTrain, yTrain, xTest, yTest);
  const slice = o.sliceColumn ? sliceValues(test, o.sliceColumn) : undefined;
  const evaluation = evaluateBinary(yTest, scores, slice ? { slices: slice } : {});
  const pkg: ModelPackage = {
    algo: o.algo,
    model,
    preprocessor: pre.toJSON(),
    signature: {
      task: "binary",
      inputs: pre.inputSignature(),
      label: o.label,
      positive_class: label.positiveClass,
      negative_class: label.negativeClass,
      threshold: 0.5,
    },
    ...(o.referenceProfile ? { referenceProfile: o.referenceProfile } : {}),
  };
  return { package: pkg, evaluation, featureImportance: importance, trainRows: train.numRows, evalRows: test.numRows };
}

function splitTables(table: Table, y: Float64Array, o: FitOptions): { train: Table; test: Table } {
  if (o.evalTable) return { train: table, test: o.evalTable };
  const split = stratifiedSplit(y, 0.2, o.seed);
  return { train: table.take(split.train), test: table.take(split.test) };
}

async function trainAndScore(
  o: FitOptions,
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
  const parts = stopping ? carveValidation(x, y, o.seed) : { x, y, valid: { x: xTest, y: yTest } };
  const gbdtParams = { ...(params as Record<string, number>), objective: "binary:logistic" as const, seed: o.seed };
  const m = await trainGbdt(parts.x, parts.y, gbdtParams, {
    valid: parts.valid,
    ...(o.onIteration ? { onIteration: o.onIteration } : {}),
  });
  return { model: m.toJSON(), scores: m.predict(xTest), importance: m.featureImportance() };
}

function carveValidation(x: FeatureMatrix, y: Float64Array, seed: number) {
  const { train, test } = stratifiedSplit(y, 0.1, seed + 1);
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
