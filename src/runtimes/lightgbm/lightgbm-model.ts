/**
 * Scores a parsed LightGBM model as `Booster.predict` does (LightGBM's `GBDT::Predict`, `Tree::Predict`
 * and its `NumericalDecision` / `CategoricalDecision`, include/LightGBM/tree.h), in double precision:
 * - a value with |x| ≤ kZeroThreshold (float 1e-35) is 0, as the C API's row reader makes it;
 * - numerical split: NaN is 0 unless the split's missing type is NaN; a NaN (type NaN) or a zero
 *   (type Zero) goes the default direction; otherwise `x <= threshold` goes left;
 * - categorical split: NaN or a negative value goes right; else the integer part is looked up in the
 *   split's bitset (present = left);
 * - linear leaves: const + Σ coeff × feature, or the plain leaf value when one of them is NaN;
 * - the trees of each iteration add to their class's score in saved order; random forests divide by
 *   the number of iterations; then the objective's transform.
 * All trees are flattened into shared typed arrays; scoring one row allocates nothing.
 */
import type { FeatureMatrix } from "../../learn/feature-matrix.js";
import type { LightgbmObjective } from "./lightgbm-objective.js";
import type { ParsedLightgbm } from "./lightgbm-text.js";
import { CATEGORICAL_MASK, DEFAULT_LEFT_MASK, type LightgbmTree } from "./lightgbm-tree.js";

/** LightGBM's kZeroThreshold: `1e-35f` widened to double. */
const ZERO = Math.fround(1e-35);
/** A numerical split whose missing type is None or NaN: for a number, only `x <= threshold` counts. */
const PLAIN = 0;
/** A numerical split with missing type Zero: 0 takes the default side. */
const ZERO_MISSING = 1;
const CATEGORICAL = 2;
const INT_LIMIT = 2 ** 31;

/** A model ready to score; outputs are row-major, `numOutputs` per row. */
export interface LightgbmModel {
  readonly numFeatures: number;
  readonly numOutputs: number;
  readonly numTrees: number;
  /** Outputs for every row of `x` (its columns in model feature order). */
  predict(x: FeatureMatrix): Float64Array;
  /** One row in model feature order (NaN = missing): its outputs into `out`. Allocates nothing. */
  predictRow(features: Float64Array, out: Float64Array): void;
}

/** Flattened trees: internal nodes and leaves of all trees, children as global indices (leaf = ~index). */
interface Flat {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  mode: Uint8Array;
  /** Where a NaN goes: fixed per node (the default side, or where 0 goes, or right for categories). */
  nanChild: Int32Array;
  /** Where a 0 goes at a ZERO_MISSING split (its default side). */
  zeroChild: Int32Array;
  left: Int32Array;
  right: Int32Array;
  catStart: Int32Array;
  catWords: Int32Array;
  catBits: Uint32Array;
  leafValue: Float64Array;
  /** Per global leaf: its linear terms, or undefined for constant leaves. */
  linear: ({ constant: number; features: Int32Array; coeffs: Float64Array } | undefined)[] | undefined;
}

/**
 * Builds the scorer for `parsed` with its already checked objective; `iterations` keeps the trees
 * of the first iterations only (a wrapper's best_iteration, as its `predict` does).
 */
export function lightgbmModel(
  parsed: ParsedLightgbm,
  objective: LightgbmObjective,
  options: { iterations?: number } = {},
): LightgbmModel {
  const k = parsed.numTreePerIteration;
  const trees = parsed.trees.slice(0, (options.iterations ?? parsed.trees.length) * k);
  const flat = flatten(trees);
  const numFeatures = parsed.featureNames.length;
  const iterations = trees.length / k;
  const divisor = parsed.averageOutput ? iterations : 1;
  const treeOutput = walker(flat);
  const roots = flat.roots;
  const predictRow = (features: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < numFeatures; i++) {
      const v = features[i] as number;
      if (v <= ZERO && v >= -ZERO) features[i] = 0;
    }
    out.fill(0, 0, k);
    for (let t = 0; t < roots.length; t++) {
      const c = t % k;
      out[c] = (out[c] as number) + treeOutput(roots[t] as number, features);
    }
    if (divisor !== 1) for (let c = 0; c < k; c++) out[c] = (out[c] as number) / divisor;
    objective.transform(out, 0);
  };
  return {
    numFeatures,
    numOutputs: k,
    numTrees: trees.length,
    predictRow,
    predict: (x) => {
      const out = new Float64Array(x.rows * k);
      const row = new Float64Array(numFeatures);
      const scores = new Float64Array(k);
      for (let i = 0; i < x.rows; i++) {
        for (let j = 0; j < numFeatures; j++) row[j] = x.data[j * x.rows + i] as number;
        predictRow(row, scores);
        out.set(scores, i * k);
      }
      return out;
    },
  };
}

/**
 * One tree's output for a row. The arrays are closed over so the hot loop reads locals. Where a
 * NaN goes is fixed per node and precomputed (LightGBM reads it as 0 unless the missing type is
 * NaN, so it goes the default side or where 0 goes; categorical splits send it right).
 */
function walker(flat: Flat): (root: number, x: Float64Array) => number {
  const { feature, threshold, mode, nanChild, left, right, leafValue, linear } = flat;
  return (root, x) => {
    let node = root;
    while (node >= 0) {
      const v = x[feature[node] as number] as number;
      if (Number.isNaN(v)) node = nanChild[node] as number;
      else if (mode[node] === PLAIN)
        node = v <= (threshold[node] as number) ? (left[node] as number) : (right[node] as number);
      else node = mode[node] === CATEGORICAL ? categorical(flat, node, v) : zeroMissing(flat, node, v);
    }
    const leaf = ~node;
    const terms = linear?.[leaf];
    return terms === undefined ? (leafValue[leaf] as number) : linearOutput(terms, leafValue[leaf] as number, x);
  };
}

function linearOutput(
  terms: { constant: number; features: Int32Array; coeffs: Float64Array },
  leafValue: number,
  x: Float64Array,
): number {
  let output = terms.constant;
  for (let i = 0; i < terms.features.length; i++) {
    const v = x[terms.features[i] as number] as number;
    if (Number.isNaN(v)) return leafValue;
    output += (terms.coeffs[i] as number) * v;
  }
  return output;
}

/** Missing type Zero: 0 (and |x| <= kZeroThreshold, already made 0) takes the default side. */
function zeroMissing(flat: Flat, node: number, v: number): number {
  if (v >= -ZERO && v <= ZERO) return flat.zeroChild[node] as number;
  return v <= (flat.threshold[node] as number) ? (flat.left[node] as number) : (flat.right[node] as number);
}

/** `static_cast<int>` truncates; values past int range become INT_MIN on the platforms LightGBM ships for, so go right. */
function categorical(flat: Flat, node: number, v: number): number {
  if (v >= INT_LIMIT || v <= -INT_LIMIT - 1) return flat.right[node] as number;
  const category = Math.trunc(v);
  if (category < 0) return flat.right[node] as number;
  const word = category >>> 5;
  if (word >= (flat.catWords[node] as number)) return flat.right[node] as number;
  const bits = flat.catBits[(flat.catStart[node] as number) + word] as number;
  return (bits >>> (category & 31)) & 1 ? (flat.left[node] as number) : (flat.right[node] as number);
}

function flatten(trees: readonly LightgbmTree[]): Flat {
  const nodes = trees.reduce((n, t) => n + t.numLeaves - 1, 0);
  const leaves = trees.reduce((n, t) => n + t.numLeaves, 0);
  const words = trees.reduce((n, t) => n + t.catThreshold.length, 0);
  const flat: Flat = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(nodes),
    threshold: new Float64Array(nodes),
    mode: new Uint8Array(nodes),
    nanChild: new Int32Array(nodes),
    zeroChild: new Int32Array(nodes),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
    catStart: new Int32Array(nodes),
    catWords: new Int32Array(nodes),
    catBits: new Uint32Array(words),
    leafValue: new Float64Array(leaves),
    linear: trees.some((t) => t.linear) ? new Array(leaves).fill(undefined) : undefined,
  };
  let nodeBase = 0;
  let leafBase = 0;
  let wordBase = 0;
  trees.forEach((tree, t) => {
    flat.roots[t] = tree.numLeaves > 1 ? nodeBase : ~leafBase;
    copyNodes(flat, tree, nodeBase, leafBase, wordBase);
    flat.leafValue.set(tree.leafValue, leafBase);
    flat.catBits.set(tree.catThreshold, wordBase);
    if (tree.linear && flat.linear) {
      for (let l = 0; l < tree.numLeaves; l++) {
        flat.linear[leafBase + l] = {
          constant: tree.linear.leafConst[l] as number,
          features: tree.linear.features[l] as Int32Array,
          coeffs: tree.linear.coeffs[l] as Float64Array,
        };
      }
    }
    nodeBase += tree.numLeaves - 1;
    leafBase += tree.numLeaves;
    wordBase += tree.catThreshold.length;
  });
  return flat;
}

function copyNodes(flat: Flat, tree: LightgbmTree, nodeBase: number, leafBase: number, wordBase: number): void {
  const child = (c: number) => (c >= 0 ? nodeBase + c : ~(leafBase + ~c));
  for (let n = 0; n < tree.numLeaves - 1; n++) {
    const g = nodeBase + n;
    const decision = tree.decisionType[n] as number;
    const threshold = tree.threshold[n] as number;
    const left = child(tree.leftChild[n] as number);
    const right = child(tree.rightChild[n] as number);
    const defaultSide = decision & DEFAULT_LEFT_MASK ? left : right;
    flat.feature[g] = tree.splitFeature[n] as number;
    flat.threshold[g] = threshold;
    flat.left[g] = left;
    flat.right[g] = right;
    // LightGBM only takes the categorical path in trees that have categorical splits (num_cat > 0).
    if (decision & CATEGORICAL_MASK && tree.numCat > 0) {
      const start = tree.catBoundaries[threshold] as number;
      flat.mode[g] = CATEGORICAL;
      flat.catStart[g] = wordBase + start;
      flat.catWords[g] = (tree.catBoundaries[threshold + 1] as number) - start;
      flat.nanChild[g] = right;
      continue;
    }
    const missing = (decision >> 2) & 3;
    flat.mode[g] = missing === 1 ? ZERO_MISSING : PLAIN;
    flat.zeroChild[g] = defaultSide;
    // NaN: the default side for missing types NaN and Zero (NaN is read as 0, which is "zero"); else where 0 goes.
    flat.nanChild[g] = missing === 0 ? (0 <= threshold ? left : right) : defaultSide;
  }
}
