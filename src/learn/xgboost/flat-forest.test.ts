import assert from "node:assert/strict";
import { test } from "node:test";
import { flattenTrees, leafOf, rowMargin } from "./flat-forest.js";
import type { XgboostTree } from "./xgboost-json.js";

/** A depth-1 stump on `feature` at `split`: leaves `lo` (left, also missing if defaultLeft) and `hi`. */
function stump(feature: number, split: number, lo: number, hi: number, defaultLeft: boolean): XgboostTree {
  return {
    left: Int32Array.of(1, -1, -1),
    right: Int32Array.of(2, -1, -1),
    feature: Int32Array.of(feature, 0, 0),
    value: Float32Array.of(split, lo, hi),
    defaultLeft: Uint8Array.of(defaultLeft ? 1 : 0, 0, 0),
  };
}

test("trees laid end to end keep their links, splits and missing-value directions", () => {
  const forest = flattenTrees([stump(0, 0.5, 1, 2, true), stump(1, 10, 0.25, 0.5, false)]);
  assert.deepEqual([...forest.roots], [0, 3]);
  assert.deepEqual([...forest.left], [1, -1, -1, 4, -1, -1]);
  assert.deepEqual([...forest.right], [2, -1, -1, 5, -1, -1]);
  const offsets = Int32Array.of(0, 1);
  // Row (0.2, 20): left in tree 0 (1), right in tree 1 (0.5).
  assert.equal(rowMargin(forest, Float64Array.of(0.2, 20), 0), 1.5);
  assert.equal(leafOf(forest, 1, Float64Array.of(0.2, 20), offsets, 0), 0.5);
  // Missing values: tree 0 defaults left, tree 1 right.
  assert.equal(rowMargin(forest, Float64Array.of(Number.NaN, Number.NaN), 0.125), 0.125 + 1 + 0.5);
  assert.equal(leafOf(forest, 0, Float64Array.of(Number.NaN, 1), offsets, 0), 1);
});

test("the batch walk casts each value to float32 before comparing, as XGBoost's DMatrix does", () => {
  const split = Math.fround(0.1);
  const forest = flattenTrees([stump(0, split, 1, 2, true)]);
  // Just below the float32 split in float64, equal to it in float32: goes right.
  const below = split - 1e-12;
  assert.ok(below < split && Math.fround(below) === split);
  assert.equal(leafOf(forest, 0, Float64Array.of(below), Int32Array.of(0), 0), 2);
});
