/** Realized performance: AUC, log loss and calibration error against hand-computed values; the concept-drift verdict. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { expectedCalibrationError, logLoss, outcomeClass, realizedPerformance } from "./realized-performance.js";

const base = { minLabels: 4, aucMargin: 0.05, logLossMargin: 0.1, trainingAuc: 0.9, trainingLogLoss: 0.5 };

describe("realized performance", () => {
  test("log loss and ECE match hand computation", () => {
    assert.ok(Math.abs(logLoss([1, 0], [0.8, 0.4]) - -(Math.log(0.8) + Math.log(0.6)) / 2) < 1e-12);
    assert.ok(Number.isFinite(logLoss([1], [0])), "scores are clipped");
    // Bins: [0.1,0.2) holds 0.15 (y 0) and 0.15 (y 1) → |0.5 − 0.15|; [0.9,1] holds 1.0 (y 1) → 0.
    const ece = expectedCalibrationError([0, 1, 1], [0.15, 0.15, 1]);
    assert.ok(Math.abs(ece - (2 / 3) * 0.35) < 1e-12);
  });

  test("outcomes: class names, 1/0 and true/false; unusable outcomes are skipped", () => {
    assert.deepEqual(
      ["Yes", "No", "1", "0", "TRUE", "maybe"].map((o) => outcomeClass(o, "Yes")),
      [1, 0, 1, 0, 1, 0],
    );
    assert.equal(outcomeClass("maybe"), undefined);
    const r = realizedPerformance(
      [
        { score: 0.9, outcome: "1" },
        { score: 0.1, outcome: "0" },
        { score: 0.5, outcome: "maybe" },
        { score: Number.NaN, outcome: "1" },
      ],
      { ...base, minLabels: 2 },
    );
    assert.deepEqual([r.labelled, r.positives, r.auc], [2, 1, 1]);
  });

  test("concept drift: AUC below training − margin, or log loss above training + margin; null with too few labels", () => {
    const good = [
      { score: 0.9, outcome: "Yes" },
      { score: 0.8, outcome: "Yes" },
      { score: 0.2, outcome: "No" },
      { score: 0.1, outcome: "No" },
    ];
    const r = realizedPerformance(good, { ...base, positiveClass: "Yes" });
    assert.deepEqual([r.auc, r.conceptDrift], [1, false]);
    const flipped = good.map((g) => ({ ...g, outcome: g.outcome === "Yes" ? "No" : "Yes" }));
    assert.equal(realizedPerformance(flipped, { ...base, positiveClass: "Yes" }).conceptDrift, true);
    const loss = realizedPerformance(good, { ...base, positiveClass: "Yes", trainingAuc: null, trainingLogLoss: 0.01 });
    assert.equal(loss.conceptDrift, true, "log loss well above training");
    const few = realizedPerformance(good.slice(0, 3), { ...base, positiveClass: "Yes" });
    assert.equal(few.conceptDrift, null);
    assert.match(few.notes[0] ?? "", /too few labels.*3 labelled \(2 positive\), need 4/);
    const one = realizedPerformance(good.slice(0, 2).concat(good.slice(0, 2)), { ...base, positiveClass: "Yes" });
    assert.equal(one.conceptDrift, null, "one class only");
    const noBase = realizedPerformance(good, {
      ...base,
      positiveClass: "Yes",
      trainingAuc: null,
      trainingLogLoss: null,
    });
    assert.equal(noBase.conceptDrift, null);
    assert.match(noBase.notes[0] ?? "", /no training baseline/);
  });
});
