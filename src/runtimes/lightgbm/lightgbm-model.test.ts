import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseLightgbmBytes } from "./lightgbm-file.js";
import { lightgbmModel } from "./lightgbm-model.js";

/**
 * Hand-made models for the decision rules of LightGBM's tree.h that the LightGBM-made fixtures do
 * not reach (missing type Zero, NaN at a split whose feature had no missing values in training,
 * category values outside the bitset), checked against the rules as that source states them.
 */
interface TreeSpec {
  leaves: number[];
  feature?: number[];
  threshold?: number[];
  decision?: number[];
  left?: number[];
  right?: number[];
  cats?: { boundaries: number[]; words: number[] };
}

function modelText(trees: TreeSpec[], header: { objective?: string; classes?: number; extra?: string } = {}) {
  const classes = header.classes ?? 1;
  const blocks = trees.map((t, i) => {
    const lines = [
      `Tree=${i}`,
      `num_leaves=${t.leaves.length}`,
      `num_cat=${t.cats ? t.cats.boundaries.length - 1 : 0}`,
    ];
    if (t.leaves.length > 1) {
      lines.push(
        `split_feature=${t.feature?.join(" ")}`,
        `threshold=${t.threshold?.join(" ")}`,
        `decision_type=${t.decision?.join(" ")}`,
        `left_child=${t.left?.join(" ")}`,
        `right_child=${t.right?.join(" ")}`,
      );
    }
    lines.push(`leaf_value=${t.leaves.join(" ")}`);
    if (t.cats) lines.push(`cat_boundaries=${t.cats.boundaries.join(" ")}`, `cat_threshold=${t.cats.words.join(" ")}`);
    return `${[...lines, "shrinkage=1"].join("\n")}\n\n`;
  });
  const objective = header.objective === undefined ? "objective=regression\n" : header.objective;
  return [
    "tree\nversion=v4\n",
    `num_class=${classes}\nnum_tree_per_iteration=${classes}\nlabel_index=0\nmax_feature_idx=1\n`,
    objective,
    "feature_names=a b\nfeature_infos=none none\n",
    header.extra ?? "",
    `tree_sizes=${trees.map(() => "1").join(" ")}\n\n`,
    ...blocks,
    "end of trees\n\nparameters:\n[boosting: gbdt]\nend of parameters\n\npandas_categorical:null\n",
  ].join("");
}

function scorer(trees: TreeSpec[], header?: Parameters<typeof modelText>[1]) {
  const { parsed, objective } = parseLightgbmBytes(Buffer.from(modelText(trees, header)), "test.lgb");
  const model = lightgbmModel(parsed, objective);
  const out = new Float64Array(model.numOutputs);
  return (a: number, b = 0): number[] => {
    model.predictRow(Float64Array.from([a, b]), out);
    return Array.from(out);
  };
}

/** One split on feature 0 at `threshold`: left leaf 1, right leaf 2. */
const stump = (decision: number, threshold = 0.5): TreeSpec => ({
  leaves: [1, 2],
  feature: [0],
  threshold: [threshold],
  decision: [decision],
  left: [-1],
  right: [-2],
});

describe("LightGBM's decision rules", () => {
  test("numerical, missing type None: NaN is 0, then value <= threshold goes left", () => {
    for (const defaultLeft of [0, 2]) {
      const score = scorer([stump(defaultLeft)]);
      assert.deepEqual([score(0.5), score(0.6), score(-3)], [[1], [2], [1]]);
      assert.deepEqual(score(Number.NaN), [1], "NaN → 0 ≤ 0.5");
      assert.deepEqual(scorer([stump(defaultLeft, -1)])(Number.NaN), [2], "NaN → 0 > -1");
    }
  });

  test("numerical, missing type NaN: NaN takes the default side, 0 is an ordinary value", () => {
    assert.deepEqual(scorer([stump(10, -1)])(Number.NaN), [1], "default left (10 = NaN type + default-left bit)");
    assert.deepEqual(scorer([stump(8, 5)])(Number.NaN), [2], "default right (8)");
    assert.deepEqual(scorer([stump(8, 5)])(0), [1]);
  });

  test("numerical, missing type Zero: 0, |x| <= 1e-35 and NaN take the default side", () => {
    const right = scorer([stump(4, 5)]);
    const left = scorer([stump(6, -5)]);
    for (const v of [0, -0, 1e-36, -1e-36, Number.NaN]) {
      assert.deepEqual(right(v), [2], `default right for ${v}`);
      assert.deepEqual(left(v), [1], `default left for ${v}`);
    }
    assert.deepEqual(right(1e-30), [1], "1e-30 is not zero: 1e-30 <= 5");
    assert.deepEqual(left(-1e-30), [2]);
  });

  test("categorical: the integer part in the bitset goes left; NaN, negatives and values past the bitset go right", () => {
    // Categories 0, 3 and 33 go left: word 0 = bits 0 and 3, word 1 = bit 1.
    const tree: TreeSpec = { ...stump(1, 0), cats: { boundaries: [0, 2], words: [9, 2] } };
    const score = scorer([tree]);
    const side = (v: number) => ((score(v)[0] as number) === 1 ? "L" : "R");
    assert.deepEqual([0, 3, 33, 3.9, -0.5].map(side), ["L", "L", "L", "L", "L"]);
    assert.deepEqual([1, 2, 32, 34, 64, 1000].map(side), ["R", "R", "R", "R", "R", "R"]);
    assert.deepEqual([Number.NaN, -1, -7.5, 2 ** 31, 1e20].map(side), ["R", "R", "R", "R", "R"]);
    // Missing type NaN on a categorical split changes nothing: NaN still goes right.
    assert.equal(scorer([{ ...tree, decision: [9] }])(Number.NaN)[0], 2);
  });

  test("a tree whose num_cat is 0 takes the numerical path even with the categorical bit set, as LightGBM does", () => {
    assert.deepEqual(scorer([stump(1, 0.5)])(0.7), [2]);
  });

  test("single-leaf trees, deeper trees and several trees add up; random forests average", () => {
    const deep: TreeSpec = {
      leaves: [10, 20, 30],
      feature: [0, 1],
      threshold: [0, 0],
      decision: [2, 2],
      left: [-1, -2],
      right: [1, -3],
    };
    const score = scorer([deep, { leaves: [0.25] }]);
    assert.deepEqual([score(-1, 5), score(1, -1), score(1, 1)], [[10.25], [20.25], [30.25]]);
    const forest = scorer([deep, { leaves: [0.5] }], { extra: "average_output\n" });
    assert.deepEqual(forest(1, 1), [(30 + 0.5) / 2]);
  });

  test("objectives: sigmoid with its factor, sqrt regression, exp links, softmax; no objective is the raw score", () => {
    const leaf = (v: number): TreeSpec => ({ leaves: [v] });
    assert.equal(scorer([leaf(0.3)], { objective: "objective=binary sigmoid:2\n" })(0)[0], 1 / (1 + Math.exp(-0.6)));
    assert.equal(scorer([leaf(0.3)], { objective: "objective=cross_entropy\n" })(0)[0], 1 / (1 + Math.exp(-0.3)));
    assert.equal(scorer([leaf(-3)], { objective: "objective=regression sqrt\n" })(0)[0], -9);
    assert.equal(scorer([leaf(-3)], { objective: "objective=huber\n" })(0)[0], -3);
    assert.equal(scorer([leaf(0.7)], { objective: "objective=tweedie\n" })(0)[0], Math.exp(0.7));
    assert.equal(scorer([leaf(0.7)], { objective: "" })(0)[0], 0.7);
    const probs = scorer([leaf(1), leaf(2), leaf(3)], { objective: "objective=multiclass num_class:3\n", classes: 3 })(
      0,
    );
    const sum = Math.exp(-2) + Math.exp(-1) + 1;
    assert.deepEqual(probs, [Math.exp(-2) / sum, Math.exp(-1) / sum, 1 / sum]);
  });
});
