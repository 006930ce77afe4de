import assert from "node:assert/strict";
import { test } from "node:test";
import { MwError } from "../../core/errors.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import { binaryLabel, numericLabel } from "./label.js";
import { selectFeatures } from "./select-features.js";
import { paramsAsStrings, resolveParams } from "./train-params.js";

const invalid = (re: RegExp) => (e: unknown) =>
  e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE" && re.test(e.message);

const table = tableFromColumns({
  id: ["a", "b", "c", "d"],
  tenure: [1, 2, 3, 4],
  plan: ["x", "y", "x", "x"],
  churn: ["No", "Yes", "No", "Yes"],
  constant: ["k", "k", "k", "k"],
  amount: [1.5, 2.5, 3.5, 4.5],
});

test("binary labels pick the conventional positive class, or the one named", () => {
  const l = binaryLabel(table, "churn");
  assert.equal(l.positiveClass, "Yes");
  assert.deepEqual([...l.y], [0, 1, 0, 1]);
  assert.deepEqual([...binaryLabel(table, "churn", "No").y], [1, 0, 1, 0]);
  assert.throws(() => binaryLabel(table, "nope"), invalid(/'nope' is not in the data/));
  assert.throws(() => binaryLabel(table, "constant"), invalid(/constant/));
  assert.throws(() => binaryLabel(table, "tenure"), invalid(/4 distinct values/));
  assert.throws(() => binaryLabel(table, "churn", "Maybe"), invalid(/'Maybe'/));
  assert.deepEqual([...numericLabel(table, "amount")], [1.5, 2.5, 3.5, 4.5]);
  assert.throws(() => numericLabel(table, "plan"), invalid(/must be numeric/));
});

test("features default to all but the label and id columns", () => {
  assert.deepEqual(selectFeatures(table, "churn"), ["tenure", "plan", "constant", "amount"]);
  assert.deepEqual(selectFeatures(table, "churn", ["tenure"]), ["tenure"]);
  assert.throws(() => selectFeatures(table, "churn", ["zzz"]), invalid(/'zzz'/));
  assert.throws(() => selectFeatures(table, "churn", ["churn"]), invalid(/label/));
});

test("parameters are typed, defaulted and refused by name", () => {
  const p = resolveParams("gbdt", ["max_depth=4", "learning_rate=0.05"]);
  assert.equal(p.max_depth, 4);
  assert.equal(p.learning_rate, 0.05);
  assert.equal(p.n_estimators, 200);
  assert.ok(paramsAsStrings(p).some((x) => x.key === "max_depth" && x.value === "4"));
  assert.throws(() => resolveParams("gbdt", ["depth=4"]), invalid(/Unknown parameter 'depth'/));
  assert.throws(() => resolveParams("gbdt", ["max_depth=4.5"]), invalid(/'max_depth' must be an integer/));
  assert.throws(() => resolveParams("gbdt", ["learning_rate="]), invalid(/'learning_rate'/));
  assert.throws(() => resolveParams("gbdt", ["objective=multi"]), invalid(/'objective'/));
  assert.throws(() => resolveParams("linear", ["max_depth=3"]), invalid(/--algo linear/));
  assert.equal(resolveParams("linear", []).C, 1);
});
