/** The regression (RMSE) and multiclass (accuracy) label checks of a canary, against hand-computed values. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { LabeledScore } from "../../serving/prediction-log/prediction-log-store.js";
import { accuracyCheck, rmseCheck } from "./kind-checks.js";

function rows(variant: LabeledScore["variant"], items: [number, string, string][]): LabeledScore[] {
  return items.map(([score, label, outcome], i) => ({
    variant,
    shadow: false,
    modelName: "m",
    modelVersion: variant === "primary" ? "1" : "2",
    score,
    label,
    outcome,
    time: i,
  }));
}

describe("RMSE check", () => {
  // Primary errors 1, −1, 1: RMSE 1. Candidate errors 2, 0, 1 (and one outcome that is no number): RMSE √(5/3).
  const primary = rows("primary", [
    [10, "10", "11"],
    [5, "5", "4"],
    [3, "3", "4"],
  ]);
  const candidate = rows("candidate", [
    [10, "10", "12"],
    [5, "5", "5"],
    [3, "3", "4"],
    [9, "9", "unknown"],
  ]);

  test("fails when the candidate's RMSE exceeds the primary's by more than the share", () => {
    const c = rmseCheck(primary, candidate, { maxIncrease: 0.2, minLabels: 3 });
    assert.ok(c);
    assert.equal(c.check, "rmse");
    assert.ok(Math.abs(c.value - Math.sqrt(5 / 3)) < 1e-12);
    assert.ok(Math.abs(c.threshold - 1.2) < 1e-12);
    assert.equal(c.passed, false);
    assert.equal(c.detail, "candidate RMSE 1.291 (3 labels) vs primary 1.000 (3 labels) × (1 + 0.2)");
    assert.equal(rmseCheck(primary, candidate, { maxIncrease: 0.3, minLabels: 3 })?.passed, true);
  });

  test("waits for enough numeric outcomes on both sides", () => {
    assert.equal(rmseCheck(primary, candidate, { maxIncrease: 0.2, minLabels: 4 }), undefined);
  });
});

describe("accuracy check", () => {
  const primary = rows("primary", [
    [0.9, "a", "a"],
    [0.8, "b", "b"],
    [0.7, "2", "2.0"],
    [0.6, "c", "a"],
  ]);
  const candidate = rows("candidate", [
    [0.9, "a", "a"],
    [0.8, "c", "b"],
    [0.7, "1", "2"],
    [0.6, "c", "c"],
  ]);

  test("fails when the candidate's accuracy falls more than the margin below the primary's", () => {
    const c = accuracyCheck(primary, candidate, { margin: 0.1, minLabels: 4 });
    assert.ok(c);
    assert.deepEqual([c.check, c.passed, c.value, c.threshold], ["accuracy", false, 0.5, 0.65]);
    assert.equal(c.detail, "candidate accuracy 0.500 (4 labels) vs primary 0.750 (4 labels) − 0.1");
    assert.equal(accuracyCheck(primary, candidate, { margin: 0.25, minLabels: 4 })?.passed, true);
    assert.equal(accuracyCheck(primary, candidate, { margin: 0.1, minLabels: 5 }), undefined);
  });
});
