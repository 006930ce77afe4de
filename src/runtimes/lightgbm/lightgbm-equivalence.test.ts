/**
 * The runtime against LightGBM's own predictions, on models LightGBM made (egordm/boosters,
 * dmitryikh/leaves, and scikit-learn wrappers around them). Those are third-party files, not
 * committed: they are read from `lightgbm/` in the shared data folder beside the repository or in
 * MODELWORKS_TEST_DATA_DIR, and these tests are skipped when neither has them.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { tableFromRows } from "../../data/test-support/build-table.js";
import type { LoadedModel } from "../runtime.js";
import { lightgbmRuntime } from "./lightgbm-runtime.js";
import {
  fixtureCopy,
  inputTable,
  mlmodelOf,
  readExpected,
  THIRD_PARTY,
  THIRD_PARTY_KINDS,
  THIRD_PARTY_SKIP,
} from "./test-support/fixtures.js";
import { referenceScores } from "./test-support/reference-scores.js";

const load = (name: string): Promise<LoadedModel> => {
  const dir = join(THIRD_PARTY, name);
  return lightgbmRuntime.load(dir, mlmodelOf(dir), {});
};

function maxAbsDiff(a: ArrayLike<number>, b: readonly number[]): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
  return d;
}

const NAMES = Object.keys(THIRD_PARTY_KINDS) as (keyof typeof THIRD_PARTY_KINDS)[];

describe("lightgbm runtime against LightGBM's own predictions", { skip: THIRD_PARTY_SKIP }, () => {
  for (const name of NAMES) {
    test(`${name}: every row within 1e-6, batch and async alike`, async () => {
      const model = await load(name);
      const expected = readExpected(name);
      assert.equal(model.runtime, "lightgbm");
      assert.equal(model.kind, THIRD_PARTY_KINDS[name]);
      const table = inputTable(model, expected);
      const out = model.predictSync?.(table);
      assert.ok(out);
      assert.equal(out.rows, expected.rows.length);
      const want = expected.predictions.flat();
      assert.equal(out.scores.length, want.length);
      const d = maxAbsDiff(out.scores, want);
      assert.ok(d <= 1e-6, `max abs diff ${d}`);
      assert.deepEqual((await model.predict(table)).scores, out.scores);
    });
  }

  for (const name of NAMES.filter((n) => THIRD_PARTY_KINDS[n] !== "multiclass")) {
    test(`${name}: the one-row scorer gives the batch's scores`, async () => {
      const model = await load(name);
      const expected = readExpected(name);
      const batch = model.predictSync?.(inputTable(model, expected)).scores as Float64Array;
      const scorer = model.rowScorer?.();
      assert.ok(scorer);
      const col = new Map(expected.columns.map((n, j) => [n, j]));
      expected.rows.forEach((row, r) => {
        model.signature.inputs.forEach((input, i) => {
          scorer.setNumber(i, row[col.get(input.name) as number] ?? Number.NaN);
        });
        assert.equal(scorer.score(), batch[r], `row ${r}`);
      });
    });
  }

  test("the fixtures cover missing values, categorical splits, linear leaves and dart", () => {
    const missing = readExpected("regression-missing");
    assert.ok(missing.rows.filter((r) => r.includes(null)).length >= 10, "rows with NaN");
    const text = (name: string) => readFileSync(join(THIRD_PARTY, name, "model.lgb"), "utf8");
    assert.match(text("regression-missing"), /^decision_type=.*\b(8|10)\b/m);
    assert.match(text("poisson-categorical"), /^num_cat=[1-9]/m);
    assert.match(text("linear-tree"), /^is_linear=1$/m);
    assert.match(text("binary-dart"), /^\[boosting: dart\]$/m);
  });

  test("the tests' reference tree walk gives LightGBM's predictions too (the boosters without linear leaves)", () => {
    for (const name of [
      "binary-booster",
      "binary-dart",
      "regression-booster",
      "regression-missing",
      "multiclass-booster",
      "poisson-categorical",
    ]) {
      const expected = readExpected(name);
      const text = readFileSync(join(THIRD_PARTY, name, "model.lgb"), "utf8");
      const got = referenceScores(text, expected.rows).flat();
      const d = maxAbsDiff(got, expected.predictions.flat());
      assert.ok(d <= 1e-6, `${name}: max abs diff ${d}`);
    }
  });

  test("pandas category columns of strings score as their codes do (LightGBM's predictions)", async () => {
    // The poisson model's first five features are categorical (categorical_feature: 0,1,2,3,4).
    const expected = readExpected("poisson-categorical");
    const cats = expected.columns.slice(0, 5);
    const lists = cats.map((name) => Array.from({ length: 30 }, (_, c) => `${name}=${c}`));
    const copy = fixtureCopy(join(THIRD_PARTY, "poisson-categorical"));
    try {
      const path = join(copy.dir, "model.lgb");
      const text = readFileSync(path, "utf8");
      writeFileSync(path, text.replace("pandas_categorical:[]", `pandas_categorical:${JSON.stringify(lists)}`));
      const mlmodel = mlmodelOf(copy.dir);
      const inputs = JSON.parse(JSON.stringify(mlmodel.signature?.inputs)) as { type: string; name: string }[];
      for (const input of inputs.slice(0, 5)) input.type = "string";
      mlmodel.signature = { inputs };
      const model = await lightgbmRuntime.load(copy.dir, mlmodel, {});
      const asStrings = expected.rows.map((r) => r.map((v, j) => (j < 5 ? `${cats[j]}=${v}` : v)));
      const types = expected.columns.map((_, j) => (j < 5 ? "string" : "int") as "string" | "int");
      const out = model.predictSync?.(tableFromRows(expected.columns, asStrings, types));
      assert.ok(out);
      assert.ok(maxAbsDiff(out.scores, expected.predictions as number[]) <= 1e-6);
    } finally {
      copy.cleanup();
    }
  });
});
