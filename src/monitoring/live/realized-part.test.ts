/** A monitor result's realized fields per model kind, as the API and `monitor status` show them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { LabeledScore } from "../../serving/prediction-log/prediction-log-store.js";
import type { ModelFacts } from "./model-facts.js";
import type { MonitorResult } from "./monitor.js";
import { formatResult, formatSeries } from "./monitor-format.js";
import { toResultInfo } from "./monitor-wire.js";
import { realizedPart } from "./realized-part.js";
import { monitorConfig } from "./test-support/monitor-config.js";

const config = monitorConfig("prod", { minLabels: 2 });

function facts(task: ModelFacts["signature"]["task"], baseline: Partial<ModelFacts> = {}): ModelFacts {
  return {
    signature: { task, inputs: [] },
    trainingAuc: 0.9,
    trainingLogLoss: 0.3,
    trainingRmse: null,
    trainingAccuracy: null,
    ...baseline,
  };
}

function labelled(rows: [number, string, string][]): LabeledScore[] {
  return rows.map(([score, label, outcome], i) => ({
    variant: "primary",
    shadow: false,
    modelName: "m",
    modelVersion: "1",
    score,
    label,
    outcome,
    time: i,
  }));
}

function result(fields: ReturnType<typeof realizedPart>, notes: string[]): MonitorResult {
  return {
    id: "r",
    deployment: "prod",
    modelName: "m",
    modelVersion: "1",
    time: 0,
    windowStart: 0,
    windowEnd: 1,
    rows: 3,
    datasetDrift: null,
    shareDrifted: null,
    features: [],
    notes,
    ...fields,
  };
}

test("regression: RMSE and MAE against the training RMSE; the AUC fields stay null", () => {
  const notes: string[] = [];
  const rows = labelled([
    [10, "10", "12"],
    [4, "4", "4"],
    [1, "1", "oops"],
  ]);
  const fields = realizedPart(rows, facts("regression", { trainingRmse: 1 }), config, notes);
  assert.deepEqual(fields, {
    labelledRows: 2,
    realizedAuc: null,
    realizedLogLoss: null,
    calibrationError: null,
    trainingAuc: null,
    trainingLogLoss: null,
    realized: { kind: "regression", rmse: Math.sqrt(2), mae: 1, trainingRmse: 1 },
    conceptDrift: true,
  });
  assert.match(notes[0] as string, /1 outcomes are not numbers/);
  const info = toResultInfo(result(fields, notes));
  assert.deepEqual(info.realized, { kind: "regression", rmse: Math.sqrt(2), mae: 1, training_rmse: 1 });
  assert.match(formatResult(info), /realized RMSE 1.41 \(training 1\), MAE 1; concept drift: YES/);
  assert.match(formatSeries([info]), /rmse 1.41\s+YES/);
});

test("multiclass: the logged label's accuracy against the training accuracy", () => {
  const notes: string[] = [];
  const rows = labelled([
    [0.8, "setosa", "setosa"],
    [0.6, "virginica", "setosa"],
    [0.9, "versicolor", "versicolor"],
  ]);
  const fields = realizedPart(rows, facts("multiclass", { trainingAccuracy: 0.7 }), config, notes);
  assert.deepEqual(fields.realized, { kind: "multiclass", accuracy: 2 / 3, trainingAccuracy: 0.7 });
  assert.equal(fields.conceptDrift, false);
  const info = toResultInfo(result(fields, notes));
  assert.match(formatResult(info), /realized accuracy 0.667 \(training 0.7\); concept drift: no/);
});

test("binary: unchanged (AUC and log loss against the training run's)", () => {
  const notes: string[] = [];
  const rows = labelled([
    [0.9, "1", "1"],
    [0.2, "0", "0"],
    [0.7, "1", "0"],
  ]);
  const fields = realizedPart(rows, facts("binary"), config, notes);
  assert.equal(fields.realized, undefined);
  // The one positive scores above both negatives.
  assert.equal(fields.realizedAuc, 1);
  assert.equal(fields.trainingAuc, 0.9);
});
