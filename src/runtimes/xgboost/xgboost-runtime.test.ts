import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Table } from "../../data/table.js";
import { buildColumn } from "../../data/test-support/build-table.js";
import { xgboostModel } from "../../learn/xgboost/xgboost-model.js";
import { loadModelFolder } from "../load-model-folder.js";
import { nativeRuntime } from "../native/native-runtime.js";
import type { LoadedModel } from "../runtime.js";
import { FIXTURES, inputTable, mlmodelOf, readExpected } from "./test-support/fixtures.js";
import { readXgboostFile } from "./xgboost-file.js";
import { xgboostRuntime } from "./xgboost-runtime.js";

const load = (name: string, edit?: (m: ReturnType<typeof mlmodelOf>) => void): Promise<LoadedModel> => {
  const dir = join(FIXTURES, name);
  const mlmodel = mlmodelOf(dir);
  edit?.(mlmodel);
  return xgboostRuntime.load(dir, mlmodel, {});
};

function maxAbsDiff(a: ArrayLike<number>, b: readonly number[]): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
  return d;
}

const CASES = [
  { name: "binary-booster-xgb", kind: "binary", outputs: 1 },
  { name: "binary-classifier-json", kind: "binary", outputs: 1 },
  { name: "regression-ubj", kind: "regression", outputs: 1 },
  { name: "multiclass-softprob-xgb", kind: "multiclass", outputs: 3 },
  { name: "multiclass-softmax-json", kind: "multiclass", outputs: 3 },
] as const;

describe("xgboost runtime against xgboost 1.7.4's own predictions", () => {
  for (const c of CASES) {
    test(`${c.name}: every row within 1e-6, batch and async alike`, async () => {
      const model = await load(c.name);
      const expected = readExpected(c.name);
      assert.equal(model.runtime, "xgboost");
      assert.equal(model.kind, c.kind);
      assert.ok(
        expected.rows.some((r) => r.includes(null)),
        "fixture has missing values",
      );
      const table = inputTable(model, expected);
      const out = model.predictSync?.(table);
      assert.ok(out);
      assert.equal(out.rows, expected.rows.length);
      assert.equal(out.scores.length, expected.rows.length * c.outputs);
      const d = maxAbsDiff(out.scores, expected.predictions.flat());
      assert.ok(d <= 1e-6, `max abs diff ${d}`);
      assert.deepEqual((await model.predict(table)).scores, out.scores);
    });
  }

  for (const c of CASES.filter((k) => k.kind !== "multiclass")) {
    test(`${c.name}: the one-row scorer gives the batch's scores`, async () => {
      const model = await load(c.name);
      const expected = readExpected(c.name);
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

  test("loadModelFolder picks the xgboost runtime for an xgboost folder", async () => {
    const model = await loadModelFolder(join(FIXTURES, "regression-ubj"), [nativeRuntime, xgboostRuntime]);
    assert.equal(model.runtime, "xgboost");
    assert.equal(model.kind, "regression");
  });

  test("signatures, kinds and classes come from the MLmodel and the model", async () => {
    const booster = await load("binary-booster-xgb");
    assert.deepEqual(booster.classes, ["0", "1"]);
    assert.deepEqual(
      booster.signature.inputs.map((i) => `${i.name}:${i.type}`),
      ["age:float", "income:float", "tenure:int", "balance:float", "visits:int", "ratio:float"],
    );
    assert.equal(booster.signature.threshold, 0.5);
    const clf = await load("binary-classifier-json");
    assert.equal(clf.signature.inputs.at(-1)?.type, "bool");
    const reg = await load("regression-ubj");
    assert.equal(reg.classes, undefined);
    assert.deepEqual(
      reg.signature.inputs.map((i) => i.name),
      ["f0", "f1", "f2", "f3", "f4", "f5"],
    );
    const multi = await load("multiclass-softprob-xgb");
    assert.deepEqual(multi.classes, ["0", "1", "2"]);
    assert.equal(multi.rowScorer, undefined);
  });

  test("the sklearn wrapper's predict stops at best_iteration; a Booster uses every tree", async () => {
    const expected = readExpected("binary-classifier-json");
    const wrapper = await load("binary-classifier-json");
    const booster = await load("binary-classifier-json", (m) => {
      (m.flavors.xgboost as Record<string, unknown>).model_class = "xgboost.core.Booster";
    });
    const a = wrapper.predictSync?.(inputTable(wrapper, expected)).scores as Float64Array;
    const b = booster.predictSync?.(inputTable(booster, expected)).scores as Float64Array;
    assert.ok(maxAbsDiff(a, Array.from(b)) > 1e-3, "the trees after best_iteration change the scores");
  });

  test("columns are matched by name, in any order; a column absent from the table is refused", async () => {
    const model = await load("binary-classifier-json");
    const expected = readExpected("binary-classifier-json");
    const table = inputTable(model, expected);
    const reversed = new Table([...table.columns].reverse());
    assert.deepEqual(model.predictSync?.(reversed).scores, model.predictSync?.(table).scores);
    const without = new Table(table.columns.filter((c) => c.name !== "income"));
    await assert.rejects(model.predict(without), /Input column 'income' is missing/);
    const text = new Table([
      ...table.columns.filter((c) => c.name !== "age"),
      buildColumn("age", Array(table.numRows).fill("x"), "string"),
    ]);
    await assert.rejects(model.predict(text), /Input column 'age' must be numeric or boolean, got string/);
  });

  test("an input the signature marks not required may be absent: it is missing for every row", async () => {
    const model = await load("binary-booster-xgb", (m) => {
      (m.signature?.inputs?.[5] as Record<string, unknown>).required = false;
    });
    assert.equal(model.signature.inputs[5]?.optional, true);
    const expected = readExpected("binary-booster-xgb");
    const table = inputTable(model, expected);
    const nulled = new Table(
      table.columns.map((c) =>
        c.name === "ratio" ? buildColumn("ratio", Array(table.numRows).fill(null), "float") : c,
      ),
    );
    const absent = new Table(table.columns.filter((c) => c.name !== "ratio"));
    assert.deepEqual(model.predictSync?.(absent).scores, model.predictSync?.(nulled).scores);
  });
});

describe("xgboost predictRow on multi-output models", () => {
  for (const [name, file] of [
    ["multiclass-softprob-xgb", "model.xgb"],
    ["multiclass-softmax-json", "model.json"],
  ] as const) {
    test(`${name}: one row at a time gives xgboost's class probabilities`, async () => {
      const model = xgboostModel((await readXgboostFile(join(FIXTURES, name, file))).parsed);
      const expected = readExpected(name);
      const names = model.featureNames ?? expected.columns;
      const col = names.map((n) => expected.columns.indexOf(n));
      assert.ok(col.every((j) => j >= 0));
      const out = new Float64Array(model.numOutputs);
      expected.rows.forEach((row, r) => {
        model.predictRow(
          col.map((j) => row[j] ?? Number.NaN),
          out,
        );
        assert.ok(maxAbsDiff(out, expected.predictions[r] as number[]) <= 1e-6, `row ${r}`);
      });
    });
  }
});
