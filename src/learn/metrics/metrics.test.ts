import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { isMwError } from "../../core/errors.js";
import { evaluateBinary, evaluateMulticlass, evaluateRegression } from "./index.js";

const DIR = new URL("../../../test-fixtures/metrics/", import.meta.url);
const readJson = (name: string) => JSON.parse(readFileSync(new URL(name, DIR), "utf8"));

interface BinaryCase {
  name: string;
  y_true: number[];
  scores: number[];
  slice: (string | null)[] | null;
  expected: Record<string, unknown>;
}

/** Deep equality where numbers may differ by 1e-12 (sklearn sums pairwise, we sum in order). */
function assertClose(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === "number") {
    assert.equal(typeof actual, "number", `${path}: ${actual} is not a number`);
    assert.ok(Math.abs((actual as number) - expected) <= 1e-12, `${path}: ${actual} ≉ ${expected}`);
  } else if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object", `${path}: expected an object, got ${actual}`);
    for (const [k, v] of Object.entries(expected))
      assertClose((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
  } else {
    assert.equal(actual, expected, path);
  }
}

const invalid = (pattern: RegExp) => (e: unknown) =>
  isMwError(e) && e.code === "INVALID_PARAMETER_VALUE" && pattern.test(e.message);

describe("evaluateBinary against scikit-learn 1.2", () => {
  for (const c of readJson("binary.json") as BinaryCase[]) {
    test(c.name, () => {
      const slices = c.slice ? { name: "region", values: c.slice } : undefined;
      const r = evaluateBinary(c.y_true, c.scores, slices ? { slices } : {});
      const { slices: expectedSlices, ...expected } = c.expected;
      assertClose(r, expected, c.name);
      if (expectedSlices) assertClose(r.slices?.groups, expectedSlices, `${c.name}.slices`);
      else assert.equal(r.slices, null);
      assert.equal(r.calibration.length, 10);
      assert.equal(r.calibration[3]?.lower, 0.30000000000000004); // numpy.linspace's edge, not 0.3
      assert.ok(
        !JSON.stringify(r).includes("NaN") && JSON.stringify(JSON.parse(JSON.stringify(r))) === JSON.stringify(r),
      );
    });
  }

  test("degenerate: one class gives null roc_auc, not NaN", () => {
    const r = evaluateBinary([1, 1], [0.2, 0.9], { slices: { name: "s", values: ["a", null] } });
    assert.equal(r.roc_auc, null);
    assert.equal(r.slices?.groups[0]?.roc_auc, null);
    assert.deepEqual(
      r.slices?.groups.map((g) => g.value),
      ["a", null],
    );
  });

  test("custom calibration bins", () => {
    const r = evaluateBinary([0, 1, 1, 0], [0.1, 0.6, 0.9, 0.5], { calibrationBins: 2 });
    assert.deepEqual(
      r.calibration.map((b) => b.count),
      [2, 2],
    );
  });

  test("sorts 200k rows quickly (O(n log n))", () => {
    const n = 200_000;
    const y = Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 3 === 0 ? 1 : 0));
    const s = Float64Array.from({ length: n }, (_, i) => ((i * 104729) % 1000) / 1000);
    const t0 = performance.now();
    const r = evaluateBinary(y, s);
    assert.ok(r.roc_auc !== null);
    assert.ok(performance.now() - t0 < 2000);
  });

  test("invalid input", () => {
    assert.throws(() => evaluateBinary([0, 1], [0.5]), invalid(/2 rows but scores has 1/));
    assert.throws(() => evaluateBinary([], []), invalid(/zero rows/));
    assert.throws(() => evaluateBinary([0, 2], [0.5, 0.5]), invalid(/yTrue\[1\] must be 0 or 1/));
    assert.throws(() => evaluateBinary([0, 1], [0.5, Number.NaN]), invalid(/scores\[1\] must be a probability/));
    assert.throws(() => evaluateBinary([0, 1], [0.5, 1.2]), invalid(/scores\[1\]/));
    assert.throws(() => evaluateBinary([0, 1], [0.5, 0.5], { calibrationBins: 0 }), invalid(/calibrationBins/));
    assert.throws(
      () => evaluateBinary([0, 1], [0.5, 0.5], { slices: { name: "s", values: ["a"] } }),
      invalid(/slice 's' has 1 values, expected 2/),
    );
  });
});

describe("evaluateRegression against scikit-learn 1.2", () => {
  for (const c of readJson("regression.json") as {
    name: string;
    y_true: number[];
    pred: number[];
    expected: unknown;
  }[]) {
    test(c.name, () => assertClose(evaluateRegression(c.y_true, c.pred), c.expected, c.name));
  }

  test("invalid input", () => {
    assert.throws(() => evaluateRegression([1], [1, 2]), invalid(/1 rows but pred has 2/));
    assert.throws(() => evaluateRegression([1, Number.NaN], [1, 2]), invalid(/row 1/));
  });
});

describe("evaluateMulticlass against scikit-learn 1.2", () => {
  for (const c of readJson("multiclass.json") as {
    name: string;
    classes: string[];
    y_true: number[];
    probabilities: number[][];
    expected: unknown;
  }[]) {
    test(c.name, () =>
      assertClose(evaluateMulticlass(c.y_true, c.probabilities.flat(), c.classes), c.expected, c.name),
    );
  }

  test("hand-computed: clipping, renormalised rows, argmax ties and a class never seen", () => {
    // Rows (truth → probabilities): a → [0.5, 0.3, 0] (sums to 0.8), b → [0.4, 0.4, 0] (tie: a wins),
    // b → [0.1, 0.6, 0]: predictions a, a, b; "c" is neither true nor predicted.
    const r = evaluateMulticlass([0, 1, 1], [0.5, 0.3, 0, 0.4, 0.4, 0, 0.1, 0.6, 0], ["a", "b", "c"]);
    const expectedLoss = -(Math.log(0.5 / 0.8) + Math.log(0.4 / 0.8) + Math.log(0.6 / 0.7)) / 3;
    assert.ok(Math.abs(r.log_loss - expectedLoss) < 1e-12, `${r.log_loss}`);
    assert.equal(r.accuracy, 2 / 3);
    // a: tp 1, support 1, predicted 2 → F1 2/3; b: tp 1, support 2, predicted 1 → F1 2/3; c left out.
    assert.ok(Math.abs(r.macro_f1 - 2 / 3) < 1e-12);
    assert.deepEqual(r.confusion_matrix, [
      [1, 0, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    assert.deepEqual(r.per_class[2], { class: "c", support: 0, predicted: 0, precision: 0, recall: 0, f1: 0 });
  });

  test("invalid input", () => {
    assert.throws(() => evaluateMulticlass([0], [1, 0], ["a"]), invalid(/at least 2 classes/));
    assert.throws(() => evaluateMulticlass([], [], ["a", "b"]), invalid(/zero rows/));
    assert.throws(() => evaluateMulticlass([0, 1], [1, 0], ["a", "b"]), invalid(/2 rows × 2 classes/));
    assert.throws(() => evaluateMulticlass([2], [1, 0], ["a", "b"]), invalid(/yTrue\[0\] must be a class index/));
    assert.throws(() => evaluateMulticlass([0], [1, Number.NaN], ["a", "b"]), invalid(/probabilities\[0\]\[1\]/));
  });
});
