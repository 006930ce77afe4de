/** Realized RMSE/MAE (regression) and accuracy (multiclass) against hand-computed values; the concept-drift verdict. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { realizedMulticlass, realizedRegression, sameClass } from "./realized-kinds.js";

const options = {
  minLabels: 3,
  rmseMargin: 0.2,
  accuracyMargin: 0.1,
  trainingRmse: 1,
  trainingAccuracy: 0.9,
};

test("regression: RMSE and MAE of the numeric outcomes; others are left out with a note", () => {
  const rows = [
    { score: 10, label: "10", outcome: "11" },
    { score: 5, label: "5", outcome: "3" },
    { score: 2, label: "2", outcome: "2.0" },
    { score: 7, label: "7", outcome: "n/a" },
    { score: Number.NaN, label: "NaN", outcome: "4" },
  ];
  const r = realizedRegression(rows, options);
  assert.equal(r.labelled, 3);
  // Errors 1, −2, 0: RMSE √(5/3), MAE 1.
  assert.deepEqual(r.realized, { kind: "regression", rmse: Math.sqrt(5 / 3), mae: 1, trainingRmse: 1 });
  // √(5/3) ≈ 1.29 > 1 × 1.2.
  assert.equal(r.conceptDrift, true);
  assert.match(r.notes[0] as string, /^2 outcomes are not numbers/);
  assert.equal(realizedRegression(rows, { ...options, rmseMargin: 0.5 }).conceptDrift, false);
  const noBaseline = realizedRegression(rows, { ...options, trainingRmse: null });
  assert.equal(noBaseline.conceptDrift, null);
  assert.match(noBaseline.notes.at(-1) as string, /no training baseline \(rmse\)/);
  const few = realizedRegression(rows.slice(0, 2), options);
  assert.equal(few.conceptDrift, null);
  assert.match(few.notes.at(-1) as string, /too few labels .* 2 labelled, need 3/);
});

test("multiclass: accuracy of the logged top class against the outcome", () => {
  const rows = [
    { score: 0.7, label: "setosa", outcome: "setosa" },
    { score: 0.5, label: "virginica", outcome: "versicolor" },
    { score: 0.9, label: "2", outcome: "2.0" },
    { score: 0.6, label: "1", outcome: "1" },
  ];
  const r = realizedMulticlass(rows, options);
  assert.equal(r.labelled, 4);
  assert.deepEqual(r.realized, { kind: "multiclass", accuracy: 0.75, trainingAccuracy: 0.9 });
  // 0.75 < 0.9 − 0.1.
  assert.equal(r.conceptDrift, true);
  assert.equal(realizedMulticlass(rows, { ...options, accuracyMargin: 0.2 }).conceptDrift, false);
  assert.equal(realizedMulticlass(rows, { ...options, trainingAccuracy: null }).conceptDrift, null);
});

test("classes match as text or as equal numbers", () => {
  assert.equal(sameClass("2", "2.0"), true);
  assert.equal(sameClass("Yes", " Yes "), true);
  assert.equal(sameClass("2", "3"), false);
  assert.equal(sameClass("", "0"), false);
  assert.equal(sameClass("a", "A"), false);
});
