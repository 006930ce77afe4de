/**
 * Scores XGBoost gbtree models exactly as XGBoost's CPU predictor does, which is float32 end to end:
 * - features are cast to float32 before the `x < split_condition` test (XGBoost's DMatrix holds
 *   float32), so a float64 value just below a threshold can round onto it and go right;
 * - NaN goes the node's default_left direction;
 * - each output group's margin starts at float32 base margin (logit(base_score) for
 *   binary:logistic) and each leaf is added to its tree's group with a float32 rounding, tree by
 *   tree in saved order;
 * - the sigmoid and softmax follow XGBoost's float32 formulas.
 * Measured on the fixtures (50 trees, 320 rows): this reproduces xgboost 1.7.4's `predict` and
 * margins bit for bit (max abs diff 0). Summing leaves in float64 drifts by 1.1e-6 (logistic
 * margins) to 2.6e-5 (regression around 40); comparing in float64 sends rows down wrong branches.
 */
import { invalidParam } from "../../core/errors.js";
import type { FeatureMatrix } from "../feature-matrix.js";
import { type FlatForest, flattenTrees, leafOf, rowMargin } from "./flat-forest.js";
import { isMulticlass, type ParsedXgboost, parseXgboostJson, type XgboostObjective } from "./xgboost-json.js";

const f32 = Math.fround;

/** A loaded XGBoost model; outputs are row-major, `numOutputs` per row. */
export interface XgboostModel {
  readonly objective: XgboostObjective;
  /** The model's feature names, or null when it was trained without names (columns are then positional). */
  readonly featureNames: readonly string[] | null;
  readonly numFeatures: number;
  /** Trees used for prediction. */
  readonly numTrees: number;
  /** Scores per row: the number of classes for multi-class objectives, else 1. */
  readonly numOutputs: number;
  /** base_score as saved (a probability for binary:logistic). */
  readonly baseScore: number;
  /** Raw scores before the link function (log-odds for binary:logistic), rows × numOutputs. */
  predictMargin(x: FeatureMatrix): Float64Array;
  /** Probabilities (binary:logistic: P(1); multi:*: one per class, as predict_proba) or values. */
  predict(x: FeatureMatrix): Float64Array;
  /**
   * One row given in model feature order (NaN = missing): writes its `numOutputs` scores, as
   * `predict` gives them, into `out`. Allocates nothing.
   */
  predictRow(features: ArrayLike<number>, out: Float64Array): void;
}

/**
 * Loads a single-output model saved by XGBoost's `Booster.save_model("m.json")` (parsed JSON or
 * text), as model packages and `models import-xgboost` use it: binary:logistic or reg:squarederror.
 */
export function loadXgboostModel(json: unknown): XgboostModel {
  const p = parseXgboostJson(json);
  if (isMulticlass(p.objective)) {
    throw invalidParam(
      `XGBoost objective '${p.objective}' is not supported here (supported: binary:logistic, reg:squarederror)`,
    );
  }
  return xgboostModel(p);
}

/** A scorer for any parsed model; `rounds` keeps the trees of the first rounds only (best_iteration + 1). */
export function xgboostModel(parsed: ParsedXgboost, options: { rounds?: number } = {}): XgboostModel {
  const p = limitRounds(parsed, options.rounds);
  const baseMargin = baseMarginOf(p);
  const groups = p.numGroups;
  const forest = flattenTrees(p.trees);
  const identity = Int32Array.from({ length: p.numFeatures }, (_, j) => j);
  // The one-row path's features, cast to float32 once per row rather than at every split.
  const row32 = new Float64Array(p.numFeatures);
  const transform = transformOf(p.objective, groups);
  const predictMargin = (x: FeatureMatrix) => margins(p, forest, x, columnOffsets(p, x), baseMargin);
  return {
    objective: p.objective,
    featureNames: p.featureNames,
    numFeatures: p.numFeatures,
    numTrees: p.trees.length,
    numOutputs: groups,
    baseScore: p.baseScore,
    predictMargin,
    predict: (x) => {
      const m = predictMargin(x);
      for (let i = 0; i < x.rows; i++) transform(m, i * groups);
      return m;
    },
    predictRow: (features, out) => {
      for (let j = 0; j < row32.length; j++) row32[j] = f32(features[j] as number);
      if (groups === 1) out[0] = rowMargin(forest, row32, baseMargin);
      else {
        out.fill(baseMargin, 0, groups);
        addTrees(p, forest, row32, identity, 0, out, 0);
      }
      transform(out, 0);
    },
  };
}

function limitRounds(p: ParsedXgboost, rounds: number | undefined): ParsedXgboost {
  if (rounds === undefined) return p;
  const n = rounds * p.numGroups * p.numParallelTree;
  if (n >= p.trees.length) return p;
  return { ...p, trees: p.trees.slice(0, n), treeGroup: p.treeGroup.slice(0, n) };
}

/** XGBoost's ProbToMargin, done in float32 like `-logf(1.0f / base_score - 1.0f)`. */
function baseMarginOf(p: ParsedXgboost): number {
  const b = f32(p.baseScore);
  if (p.objective !== "binary:logistic") return b;
  return f32(-Math.log(f32(f32(1 / b) - 1)));
}

/** The link applied in place to one row's margins at `at`. */
function transformOf(objective: XgboostObjective, groups: number): (m: Float64Array, at: number) => void {
  if (objective === "binary:logistic") {
    return (m, at) => {
      m[at] = sigmoid32(m[at] as number);
    };
  }
  if (isMulticlass(objective)) return (m, at) => softmax32(m, at, groups);
  return () => {};
}

/** XGBoost's float32 `Sigmoid`: `1.0f / (expf(min(-x, 88.7f)) + 1.0f + 1e-16f)`; the 1e-16 vanishes in float32. */
function sigmoid32(m: number): number {
  const e = f32(Math.exp(Math.min(-m, f32(88.7))));
  return f32(1 / f32(e + 1));
}

/** XGBoost's `common::Softmax`: float32 exponentials of (x - max), summed in double, divided in float32. */
function softmax32(m: Float64Array, at: number, n: number): void {
  let max = m[at] as number;
  for (let k = 1; k < n; k++) max = Math.max(max, m[at + k] as number);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const e = f32(Math.exp(f32((m[at + k] as number) - max)));
    m[at + k] = e;
    sum += e;
  }
  const total = f32(sum);
  for (let k = 0; k < n; k++) m[at + k] = f32((m[at + k] as number) / total);
}

/** Start offset in `x.data` of the matrix column feeding each model feature. */
function columnOffsets(p: ParsedXgboost, x: FeatureMatrix): Int32Array {
  const out = new Int32Array(p.numFeatures);
  if (p.featureNames === null) {
    if (x.cols !== p.numFeatures) {
      throw invalidParam(`XGBoost model expects ${p.numFeatures} feature columns, got ${x.cols}`);
    }
    for (let j = 0; j < p.numFeatures; j++) out[j] = j * x.rows;
    return out;
  }
  const index = new Map(x.names.map((n, j) => [n, j]));
  const missing = p.featureNames.filter((n) => !index.has(n));
  if (missing.length > 0) throw invalidParam(`XGBoost model features missing from input: ${missing.join(", ")}`);
  p.featureNames.forEach((n, j) => {
    out[j] = (index.get(n) as number) * x.rows;
  });
  return out;
}

function margins(
  p: ParsedXgboost,
  forest: FlatForest,
  x: FeatureMatrix,
  offsets: Int32Array,
  baseMargin: number,
): Float64Array {
  const groups = p.numGroups;
  const out = new Float64Array(x.rows * groups).fill(baseMargin);
  for (let i = 0; i < x.rows; i++) addTrees(p, forest, x.data, offsets, i, out, i * groups);
  return out;
}

/** Adds every tree's leaf for `row` to its group's margin at `out[at + group]`, in float32. */
function addTrees(
  p: ParsedXgboost,
  forest: FlatForest,
  data: Float64Array,
  offsets: Int32Array,
  row: number,
  out: Float64Array,
  at: number,
): void {
  const { treeGroup } = p;
  if (p.numGroups === 1) {
    let m = out[at] as number;
    for (let t = 0; t < forest.numTrees; t++) m = f32(m + leafOf(forest, t, data, offsets, row));
    out[at] = m;
    return;
  }
  for (let t = 0; t < forest.numTrees; t++) {
    const k = at + (treeGroup[t] as number);
    out[k] = f32((out[k] as number) + leafOf(forest, t, data, offsets, row));
  }
}
