/**
 * The runtime on synthetic LightGBM models (test-support/synthetic-model.ts) against an
 * independent reference tree walk (test-support/reference-scores.ts). LightGBM's own predictions
 * are checked in lightgbm-equivalence.test.ts when the third-party models are at hand.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, test } from "node:test";
import { Table } from "../../data/table.js";
import { tableFromRows } from "../../data/test-support/build-table.js";
import { loadModelFolder } from "../load-model-folder.js";
import { nativeRuntime } from "../native/native-runtime.js";
import type { LoadedModel } from "../runtime.js";
import { xgboostRuntime } from "../xgboost/xgboost-runtime.js";
import { lightgbmRuntime } from "./lightgbm-runtime.js";
import { fixtureCopy, inputTable, mlmodelOf } from "./test-support/fixtures.js";
import { referenceScores } from "./test-support/reference-scores.js";
import { SYNTHETIC, type SyntheticName, syntheticDir, syntheticExpected } from "./test-support/synthetic-fixtures.js";

const load = (name: SyntheticName): Promise<LoadedModel> => {
  const dir = syntheticDir(name);
  return lightgbmRuntime.load(dir, mlmodelOf(dir), {});
};

function maxAbsDiff(a: ArrayLike<number>, b: readonly number[]): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
  return d;
}

const NAMES = Object.keys(SYNTHETIC) as SyntheticName[];
const text = (name: SyntheticName) => readFileSync(`${syntheticDir(name)}/model.lgb`, "utf8");

describe("lightgbm runtime on synthetic models, against a reference tree walk", () => {
  for (const name of NAMES) {
    test(`${name}: every row within 1e-12 of the reference, batch and async alike`, async () => {
      const model = await load(name);
      const expected = syntheticExpected(name);
      assert.equal(model.runtime, "lightgbm");
      assert.equal(model.kind, SYNTHETIC[name].kind);
      const table = inputTable(model, expected);
      const out = model.predictSync?.(table);
      assert.ok(out);
      assert.equal(out.rows, expected.rows.length);
      const d = maxAbsDiff(out.scores, expected.predictions.flat());
      assert.ok(d <= 1e-12, `max abs diff ${d}`);
      assert.deepEqual((await model.predict(table)).scores, out.scores);
    });
  }

  for (const name of NAMES.filter((n) => SYNTHETIC[n].kind !== "multiclass")) {
    test(`${name}: the one-row scorer gives the batch's scores`, async () => {
      const model = await load(name);
      const expected = syntheticExpected(name);
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

  test("the fixtures cover every missing type, both default sides, categorical bitsets and missing rows", () => {
    const decisions = new Set(
      [...text("binary").matchAll(/^decision_type=(.*)$/gm)].flatMap((m) => (m[1] as string).split(" ")),
    );
    for (const d of ["0", "2", "4", "6", "8", "10"]) assert.ok(decisions.has(d), `decision_type ${d}`);
    const boundaries = [...text("categorical").matchAll(/^cat_boundaries=(.*)$/gm)].map((m) =>
      (m[1] as string).split(" ").map(Number),
    );
    const widths = new Set(boundaries.flatMap((b) => b.slice(1).map((v, i) => v - (b[i] as number))));
    assert.deepEqual([...widths].sort(), [1, 2], "bitsets of one and of two words");
    assert.match(text("categorical"), /^\[categorical_feature: 0,1,2,3\]$/m);
    const rows = syntheticExpected("regression-missing").rows;
    assert.ok(rows.filter((r) => r.includes(null)).length >= 20, "rows with NaN");
    assert.ok(
      syntheticExpected("binary").rows.some((r) => r.includes(0)),
      "exact zeros",
    );
  });

  test("loadModelFolder picks the lightgbm runtime for a lightgbm folder", async () => {
    const model = await loadModelFolder(syntheticDir("regression"), [nativeRuntime, xgboostRuntime, lightgbmRuntime]);
    assert.equal(model.runtime, "lightgbm");
  });

  test("signatures, kinds and classes come from the MLmodel and the model", async () => {
    const binary = await load("binary");
    assert.deepEqual(binary.classes, ["0", "1"]);
    assert.equal(binary.signature.positive_class, "1");
    assert.deepEqual(
      binary.signature.inputs.map((i) => `${i.name}:${i.type}`),
      Array.from({ length: 10 }, (_, j) => `x${j}:float`),
    );
    const categorical = await load("categorical");
    assert.equal(categorical.signature.inputs[0]?.type, "int");
    const reg = await load("regression");
    assert.equal(reg.classes, undefined);
    assert.equal(reg.signature.inputs[0]?.name, "Column_0");
    const multi = await load("multiclass");
    assert.deepEqual(multi.classes, ["0", "1", "2"]);
    assert.equal(multi.signature.task, "multiclass");
    assert.equal(multi.rowScorer, undefined);
  });

  test("columns feed features by position, as LightGBM's predict does; the table's column order is free", async () => {
    const model = await load("binary");
    const table = inputTable(model, syntheticExpected("binary"));
    const reversed = new Table([...table.columns].reverse());
    assert.deepEqual(model.predictSync?.(reversed).scores, model.predictSync?.(table).scores);
    const without = new Table(table.columns.filter((c) => c.name !== "x3"));
    await assert.rejects(model.predict(without), /Input column 'x3' is missing/);
  });

  test("pandas category columns: string values become their category's code, as LightGBM's predict does", async () => {
    // Features 0..3 are categorical (categorical_feature: 0,1,2,3); give them string categories,
    // so code c is the string `${name}=${c}`.
    const expected = syntheticExpected("categorical");
    const cats = expected.columns.slice(0, 4);
    const lists = cats.map((name) => Array.from({ length: 81 }, (_, c) => `${name}=${c}`));
    const copy = fixtureCopy(syntheticDir("categorical"));
    try {
      const path = `${copy.dir}/model.lgb`;
      const withLists = readFileSync(path, "utf8").replace(
        "pandas_categorical:[]",
        `pandas_categorical:${JSON.stringify(lists)}`,
      );
      writeFileSync(path, withLists);
      const mlmodel = mlmodelOf(copy.dir);
      const inputs = JSON.parse(JSON.stringify(mlmodel.signature?.inputs)) as { type: string; name: string }[];
      for (const input of inputs.slice(0, 4)) input.type = "string";
      mlmodel.signature = { inputs };
      const model = await lightgbmRuntime.load(copy.dir, mlmodel, {});
      assert.deepEqual(
        model.signature.inputs.map((i) => i.type),
        ["string", "string", "string", "string", "float", "float", "float", "float"],
      );
      const asStrings = expected.rows.map((r) => r.map((v, j) => (j < 4 && v !== null ? `${cats[j]}=${v}` : v)));
      const types = expected.columns.map((_, j) => (j < 4 ? "string" : "float") as "string" | "float");
      const out = model.predictSync?.(tableFromRows(expected.columns, asStrings, types));
      assert.ok(out);
      assert.ok(maxAbsDiff(out.scores, expected.predictions as number[]) <= 1e-12);
      // An unknown category or a missing value is NaN, which goes right at every categorical split.
      const unknown = asStrings.map((r) => ["no such brand", ...r.slice(1)]);
      const missing = asStrings.map((r) => [null, ...r.slice(1)]);
      const a = model.predictSync?.(tableFromRows(expected.columns, unknown, types)).scores;
      const b = model.predictSync?.(tableFromRows(expected.columns, missing, types)).scores;
      assert.deepEqual(a, b);
      const scorer = model.rowScorer?.();
      assert.ok(scorer);
      asStrings.slice(0, 20).forEach((row, r) => {
        row.forEach((v, i) => {
          if (i < 4) scorer.setString(i, (v as string | null) ?? undefined);
          else scorer.setNumber(i, (v as number | null) ?? Number.NaN);
        });
        assert.equal(scorer.score(), out.scores[r]);
      });
    } finally {
      copy.cleanup();
    }
  });

  test("a model without an objective (custom objective function) serves its raw scores, with a warning", async () => {
    const copy = fixtureCopy(syntheticDir("binary"));
    try {
      const path = `${copy.dir}/model.lgb`;
      const raw = readFileSync(path, "utf8").replace(/^objective=.*\n/m, "");
      writeFileSync(path, raw);
      const warnings: string[] = [];
      const model = await lightgbmRuntime.load(copy.dir, mlmodelOf(copy.dir), { warn: (m) => warnings.push(m) });
      assert.equal(model.kind, "regression");
      assert.match(warnings.join("\n"), /no objective \(trained with a custom objective function\)/);
      const expected = syntheticExpected("binary");
      const out = model.predictSync?.(inputTable(model, expected));
      assert.ok(out && maxAbsDiff(out.scores, referenceScores(raw, expected.rows) as number[]) <= 1e-12);
      assert.ok(out && maxAbsDiff(out.scores, expected.predictions as number[]) > 0.1, "not the probabilities");
    } finally {
      copy.cleanup();
    }
  });

  test("a signature naming the model's features in another order warns: features are fed by position", async () => {
    const warnings: string[] = [];
    const dir = syntheticDir("regression-missing");
    const mlmodel = mlmodelOf(dir);
    mlmodel.signature = { inputs: [...(mlmodel.signature?.inputs ?? [])].reverse() };
    await lightgbmRuntime.load(dir, mlmodel, { warn: (m) => warnings.push(m) });
    assert.match(warnings.join("\n"), /lists the model's features in another order; inputs feed features by position/);
  });
});
