/** Score drift with `--model` for every model kind: the top-class probability (multiclass) and the value (regression). */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { loadModelFolder } from "../../runtimes/load-model-folder.js";
import { nativeRuntime } from "../../runtimes/native/native-runtime.js";
import { FIXTURES, inputTable, readExpected } from "../../runtimes/xgboost/test-support/fixtures.js";
import { xgboostRuntime } from "../../runtimes/xgboost/xgboost-runtime.js";
import { computeDrift, PREDICTION_COLUMN } from "./compute-drift.js";
import { prepareReference } from "./drift-reference.js";
import { modelScores } from "./model-scores.js";

const load = (name: string) => loadModelFolder(join(FIXTURES, name), [nativeRuntime, xgboostRuntime]);

test("multiclass: one score per row, the top class's probability", async () => {
  const model = await load("multiclass-softprob-xgb");
  const expected = readExpected("multiclass-softprob-xgb");
  const scores = await modelScores(model, inputTable(model, expected));
  assert.ok(scores instanceof Float64Array && scores.length === expected.rows.length);
  expected.predictions.forEach((p, i) => {
    assert.ok(Math.abs((scores[i] as number) - Math.max(...(p as number[]))) < 1e-6, `row ${i}`);
  });
});

test("regression: the predicted value; a shifted half of the rows drifts, the same rows do not", async () => {
  const model = await load("regression-ubj");
  const expected = readExpected("regression-ubj");
  const table = inputTable(model, expected);
  const scores = await modelScores(model, table);
  assert.ok(scores instanceof Float64Array);
  expected.predictions.forEach((v, i) => {
    assert.ok(Math.abs((scores[i] as number) - (v as number)) < 1e-6 * Math.max(1, Math.abs(v as number)));
  });
  const reference = prepareReference(table);
  const drift = (currentScores: Float64Array) =>
    computeDrift(reference, table, { currentScores, referenceScores: scores }).prediction;
  assert.equal(drift(scores)?.drifted, false);
  const shifted = drift(scores.map((v, i) => (i % 2 === 0 ? v + 100 : v)));
  assert.equal(shifted?.column, PREDICTION_COLUMN);
  assert.equal(shifted?.type, "numerical");
  assert.equal(shifted?.drifted, true);
});

test("a model that cannot score the table is reported, not thrown", async () => {
  const model = await load("regression-ubj");
  const expected = readExpected("regression-ubj");
  const scores = await modelScores(model, inputTable(model, expected).select(["f0"]));
  assert.ok(!(scores instanceof Float64Array) && /f1/.test(scores.error), JSON.stringify(scores));
});
