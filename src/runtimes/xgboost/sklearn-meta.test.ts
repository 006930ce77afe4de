import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Table } from "../../data/table.js";
import { buildColumn } from "../../data/test-support/build-table.js";
import { isSklearnWrapper, sklearnMeta, wrapperRounds } from "./sklearn-meta.js";
import { FIXTURES, fixtureCopy, inputTable, mlmodelOf, readExpected } from "./test-support/fixtures.js";
import { xgboostRuntime } from "./xgboost-runtime.js";

describe("scikit-learn wrapper settings", () => {
  test("model classes: the wrappers, not a Booster", () => {
    assert.equal(isSklearnWrapper("xgboost.sklearn.XGBClassifier"), true);
    assert.equal(isSklearnWrapper("xgboost.XGBRegressor"), true);
    assert.equal(isSklearnWrapper("xgboost.core.Booster"), false);
    assert.equal(isSklearnWrapper(undefined), false);
  });

  test("the scikit_learn attribute as Python's json writes it (bare NaN), classes and missing", () => {
    const text = '{"missing": NaN, "classes_": [0, 1, 2], "n_classes_": 3, "x": [Infinity, -Infinity]}';
    assert.deepEqual(sklearnMeta({ scikit_learn: text }), { classes: ["0", "1", "2"] });
    assert.deepEqual(sklearnMeta({ scikit_learn: '{"missing": -999.0}' }), { missing: -999 });
    assert.equal(sklearnMeta({ scikit_learn: "not json" }), undefined);
    assert.equal(sklearnMeta({}), undefined);
  });

  test("best_iteration gives the rounds predict uses", () => {
    assert.equal(wrapperRounds({ best_iteration: "12" }), 13);
    assert.equal(wrapperRounds({ best_iteration: "x" }), undefined);
    assert.equal(wrapperRounds({}), undefined);
  });

  test("a wrapper saved with missing=V treats V as missing, in batches and one row at a time", async () => {
    const expected = readExpected("binary-classifier-json");
    const dir = join(FIXTURES, "binary-classifier-json");
    const plain = await xgboostRuntime.load(dir, mlmodelOf(dir), {});
    const table = inputTable(plain, expected);
    const income = expected.columns.indexOf("income");
    const withIncome = (values: (number | null)[]) =>
      new Table(table.columns.map((c) => (c.name === "income" ? buildColumn("income", values, "float") : c)));
    // A row whose score changes when its income is missing; its income becomes the missing value V.
    const scores = plain.predictSync?.(table).scores as Float64Array;
    const none = plain.predictSync?.(withIncome(expected.rows.map(() => null))).scores as Float64Array;
    const row = scores.findIndex((x, r) => x !== none[r] && expected.rows[r]?.[income] !== null);
    const v = expected.rows[row]?.[income] as number;
    const copy = fixtureCopy("binary-classifier-json");
    try {
      const file = join(copy.dir, "model.json");
      const text = readFileSync(file, "utf8");
      assert.ok(text.includes('\\"missing\\": NaN'));
      writeFileSync(file, text.replace('\\"missing\\": NaN', `\\"missing\\": ${v}`));
      const model = await xgboostRuntime.load(copy.dir, mlmodelOf(copy.dir), {});
      const nulled = withIncome(expected.rows.map((r) => (r[income] === v ? null : (r[income] ?? null))));
      const out = model.predictSync?.(table).scores as Float64Array;
      assert.deepEqual(out, plain.predictSync?.(nulled).scores);
      assert.notEqual(out[row], scores[row]);
      const scorer = model.rowScorer?.();
      assert.ok(scorer);
      expected.columns.forEach((name, j) => {
        const k = model.signature.inputs.findIndex((s) => s.name === name);
        scorer.setNumber(k, expected.rows[row]?.[j] ?? Number.NaN);
      });
      assert.equal(scorer.score(), out[row]);
    } finally {
      copy.cleanup();
    }
  });
});
