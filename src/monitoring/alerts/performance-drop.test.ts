/** The performance_drop rule per model kind: AUC, RMSE (higher is worse) and accuracy against their training values. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { MonitorResult } from "../live/monitor.js";
import { monitorConfig } from "../live/test-support/monitor-config.js";
import { evaluateRule } from "./alert-rules.js";

const config = monitorConfig("prod", { aucMargin: 0.05, rmseMargin: 0.2, accuracyMargin: 0.1 });

function result(version: string, overrides: Partial<MonitorResult>): MonitorResult {
  return {
    id: version,
    deployment: "prod",
    modelName: "m",
    modelVersion: version,
    time: 0,
    windowStart: 0,
    windowEnd: 1,
    rows: 500,
    labelledRows: 200,
    datasetDrift: null,
    shareDrifted: null,
    features: [],
    realizedAuc: null,
    realizedLogLoss: null,
    calibrationError: null,
    trainingAuc: null,
    trainingLogLoss: null,
    conceptDrift: false,
    notes: [],
    ...overrides,
  };
}

const drop = (results: MonitorResult[]) => evaluateRule({ type: "performance_drop" }, results, config, undefined);

test("regression: realized RMSE above training × (1 + rmse_margin) holds", () => {
  const worse = result("2", {
    realized: { kind: "regression", rmse: 1.5, mae: 1, trainingRmse: 1 },
    conceptDrift: true,
  });
  const c = drop([worse]);
  assert.equal(c.holds, true);
  assert.equal(c.value, 1.5);
  assert.ok(Math.abs((c.threshold as number) - 1.2) < 1e-12);
  assert.equal(c.message, "realized RMSE 1.5 on 200 labels in m/2 vs training 1 × (1 + 0.2)");
  assert.equal(c.modelVersion, "2");
  const fine = result("1", { realized: { kind: "regression", rmse: 1.1, mae: 1, trainingRmse: 1 } });
  assert.equal(drop([fine]).holds, false);
  // The worse of two versions decides.
  assert.equal(drop([fine, worse]).modelVersion, "2");
});

test("multiclass: realized accuracy below training − accuracy_margin holds", () => {
  const c = drop([
    result("3", { realized: { kind: "multiclass", accuracy: 0.7, trainingAccuracy: 0.9 }, conceptDrift: true }),
  ]);
  assert.equal(c.holds, true);
  assert.equal(c.value, 0.7);
  assert.match(c.message, /^realized accuracy 0.7 on 200 labels in m\/3 vs training 0.9 − 0.1$/);
  const ok = drop([result("3", { realized: { kind: "multiclass", accuracy: 0.85, trainingAccuracy: 0.9 } })]);
  assert.equal(ok.holds, false);
});

test("binary keeps the AUC rule; nothing judged is unknown", () => {
  const c = drop([result("1", { realizedAuc: 0.7, trainingAuc: 0.8, conceptDrift: true })]);
  assert.equal(c.holds, true);
  assert.match(c.message, /^realized AUC 0.7 on 200 labels in m\/1 vs training 0.8 − 0.05$/);
  const none = drop([
    result("1", { realized: { kind: "regression", rmse: 2, mae: 1, trainingRmse: null }, conceptDrift: null }),
  ]);
  assert.equal(none.holds, null);
  assert.match(none.message, /not judged/);
});
