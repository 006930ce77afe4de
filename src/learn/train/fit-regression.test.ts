/** Regression with the GBDT's squared-error objective: task parameters, the fit, its evaluation and package. */
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { MwError } from "../../core/errors.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import { evaluateRegression } from "../metrics/regression.js";
import { predictorFor } from "../package/load-model.js";
import { fitModel } from "./fit-model.js";
import { numericLabel } from "./label.js";
import { resolveTaskParams, taskOf } from "./train-params.js";

const invalid = (re: RegExp) => (e: unknown) => e instanceof MwError && re.test(e.message);
let telco: Table;
before(async () => {
  telco = await readTable(TELCO_CSV);
});

test("--task regression sets the squared-error objective; conflicting settings are refused by name", () => {
  const params = resolveTaskParams("regression", "gbdt", ["n_estimators=20"]);
  assert.equal(params.objective, "reg:squarederror");
  assert.equal(params.n_estimators, 20);
  assert.equal(taskOf("gbdt", params), "regression");
  assert.equal(taskOf("gbdt", resolveTaskParams("binary", "gbdt", [])), "binary");
  assert.equal(resolveTaskParams("regression", "gbdt", ["objective=reg:squarederror"]).objective, "reg:squarederror");
  assert.throws(() => resolveTaskParams("regression", "linear", []), invalid(/use --algo gbdt/));
  assert.throws(
    () => resolveTaskParams("regression", "gbdt", ["objective=binary:logistic"]),
    invalid(/'objective' must be reg:squarederror for a regression/),
  );
  assert.throws(
    () => resolveTaskParams("binary", "gbdt", ["objective=reg:squarederror"]),
    invalid(/use --task regression/),
  );
});

test("a GBDT regression of tenure on Telco: R² ≥ 0.9 on a seeded random split, a regression package", async () => {
  const params = resolveTaskParams("regression", "gbdt", ["n_estimators=100", "learning_rate=0.1"]);
  const fit = await fitModel(telco, { label: "tenure", algo: "gbdt", params, seed: 3 });
  assert.ok(fit.task === "regression");
  assert.equal(fit.trainRows + fit.evalRows, 7043);
  assert.ok(Math.abs(fit.evalRows - 1409) <= 1, String(fit.evalRows));
  assert.ok(fit.evaluation.r2 >= 0.9, `r2 ${fit.evaluation.r2}`);
  assert.ok(fit.evaluation.rmse > 0 && fit.evaluation.mae > 0 && fit.evaluation.mae <= fit.evaluation.rmse);
  const sig = fit.package.signature;
  assert.deepEqual(
    [sig.task, sig.label, sig.positive_class, sig.threshold],
    ["regression", "tenure", undefined, undefined],
  );
  assert.ok(!sig.inputs.some((i) => i.name === "tenure"), "the label is no input");
  // The package predicts values (months), not probabilities, and its evaluation is theirs.
  const predicted = predictorFor(fit.package).predict(telco);
  assert.ok(Math.max(...predicted) > 50);
  const whole = evaluateRegression(numericLabel(telco, "tenure"), predicted);
  assert.ok(whole.r2 >= 0.9);
  const again = await fitModel(telco, { label: "tenure", algo: "gbdt", params, seed: 3 });
  assert.deepEqual(again.evaluation, fit.evaluation);
});

test("regression errors before training", async () => {
  const params = resolveTaskParams("regression", "gbdt", ["n_estimators=5"]);
  await assert.rejects(
    fitModel(telco, { label: "Churn", algo: "gbdt", params, seed: 1 }),
    invalid(/Label column 'Churn' is string; a regression target must be numeric/),
  );
  await assert.rejects(
    fitModel(telco, { label: "tenure", algo: "gbdt", params, seed: 1, positiveClass: "Yes" }),
    invalid(/no positive class/),
  );
  await assert.rejects(
    fitModel(telco, { label: "tenure", algo: "gbdt", params, seed: 1, sliceColumn: "Contract" }),
    invalid(/slices are for classifiers/),
  );
});
