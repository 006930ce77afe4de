import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { LabeledScore } from "../../serving/prediction-log/prediction-log-store.js";
import { aucCheck, outcomeClass } from "./auc-check.js";

function rows(variant: LabeledScore["variant"], pairs: [number, string][]): LabeledScore[] {
  return pairs.map(([score, outcome], i) => ({
    variant,
    shadow: false,
    modelName: "churn",
    modelVersion: variant === "primary" ? "3" : "4",
    score,
    label: score >= 0.5 ? "1" : "0",
    outcome,
    time: 1000 + i,
  }));
}

const opts = { margin: 0.05, minLabels: 4 };

describe("outcomeClass", () => {
  test("1/true and 0/false in any case; the positive class first; other values 0 only with a positive class", () => {
    assert.deepEqual(
      ["1", "TRUE", "true", "0", "False", "Yes", "No"].map((o) => outcomeClass(o)),
      [1, 1, 1, 0, 0, undefined, undefined],
    );
    assert.deepEqual(
      ["Yes", "yes", "No", "1", "0", "maybe"].map((o) => outcomeClass(o, "Yes")),
      [1, 0, 0, 1, 0, 0],
    );
  });
});

describe("aucCheck", () => {
  test("tied scores count half, as in the hand-computed pairwise AUC", () => {
    // Pairs (positive, negative): 0.9>0.5, 0.9>0.1, 0.5=0.5 (½), 0.5>0.1 → 3.5 / 4.
    const primary = rows("primary", [
      [0.9, "1"],
      [0.5, "1"],
      [0.5, "0"],
      [0.1, "0"],
    ]);
    // Positives 0.8 and 0.2 against negatives 0.8, 0.8: ½ + ½ + 0 + 0 → 1 / 4.
    const candidate = rows("candidate", [
      [0.8, "1"],
      [0.8, "0"],
      [0.8, "0"],
      [0.2, "1"],
    ]);
    const r = aucCheck(primary, candidate, opts);
    assert.ok(r);
    assert.equal(r.check, "auc");
    assert.equal(r.value, 0.25);
    assert.equal(r.threshold, 0.875 - 0.05);
    assert.equal(r.passed, false);
    assert.match(r.detail, /candidate AUC 0\.250 \(4 labels: 2 positive, 2 negative\) vs primary 0\.875/);
  });

  test("passes within the margin and fails beyond it", () => {
    const primary = rows("primary", [
      [0.9, "1"],
      [0.8, "1"],
      [0.3, "0"],
      [0.85, "0"],
    ]);
    // Primary AUC: 3 of 4 pairs ordered → 0.75.
    const same = rows("candidate", [
      [0.7, "Yes"],
      [0.6, "Yes"],
      [0.2, "No"],
      [0.65, "No"],
    ]);
    const r = aucCheck(primary, same, { ...opts, positiveClass: "Yes" });
    assert.deepEqual([r?.value, r?.threshold, r?.passed], [0.75, 0.7, true]);
    const worse = rows("candidate", [
      [0.7, "1"],
      [0.2, "1"],
      [0.3, "0"],
      [0.65, "0"],
    ]);
    // Candidate AUC: 0.7 beats both negatives, 0.2 neither → 0.5 < 0.7.
    const w = aucCheck(primary, worse, opts);
    assert.deepEqual([w?.value, w?.passed], [0.5, false]);
  });

  test("does not run until each side has minLabels labelled rows of both classes", () => {
    const both = rows("primary", [
      [0.9, "1"],
      [0.1, "0"],
      [0.8, "1"],
      [0.2, "0"],
    ]);
    const three = both.slice(0, 3);
    const onlyPositive = rows("candidate", [
      [0.9, "1"],
      [0.1, "1"],
      [0.8, "1"],
      [0.2, "1"],
    ]);
    assert.equal(aucCheck(both, three, opts), undefined);
    assert.equal(aucCheck(three, both, opts), undefined);
    assert.equal(aucCheck(both, onlyPositive, opts), undefined);
    assert.equal(aucCheck([], both, opts), undefined);
    // Outcomes without a class (no positive class given) do not count as labels.
    const unusable = [...three, ...rows("primary", [[0.5, "maybe"]])];
    assert.equal(aucCheck(unusable, both, opts), undefined);
    assert.ok(aucCheck(both, both, opts)?.passed);
  });
});
