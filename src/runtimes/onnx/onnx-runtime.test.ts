import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { tableFromRows } from "../../data/test-support/build-table.js";
import { loadModelFolder } from "../load-model-folder.js";
import { modelRuntimes } from "../model-runtimes.js";
import { partScores } from "../part-scores.js";
import { loadOnnxFolder } from "./onnx-runtime.js";
import { FIXTURE_NAMES, FIXTURES, inputTable, mlmodelOf, readExpected } from "./test-support/fixtures.js";

for (const name of FIXTURE_NAMES) {
  test(`${name}: scores equal the reference implementation's on every row (1e-6)`, async () => {
    const dir = join(FIXTURES, name);
    const expected = readExpected(name);
    const model = await loadOnnxFolder(dir, mlmodelOf(dir));
    try {
      assert.equal(model.runtime, "onnx");
      assert.equal(model.kind, expected.kind);
      assert.deepEqual(model.classes ?? null, expected.classes);
      assert.deepEqual(
        model.signature.inputs.map((i) => i.name),
        expected.columns,
      );
      const out = await model.predict(inputTable(model, expected));
      assert.equal(out.rows, expected.rows.length);
      const want = expected.predictions.flat();
      assert.equal(out.scores.length, want.length);
      want.forEach((w, i) => {
        const got = out.scores[i] as number;
        assert.ok(Math.abs(got - w) <= 1e-6, `${name} value ${i}: got ${got}, expected ${w}`);
      });
    } finally {
      await model.close?.();
    }
  });
}

test("the platform's runtimes load an onnx folder with the onnx runtime, and multiclass splits per class", async () => {
  const dir = join(FIXTURES, "tree-multiclass");
  const model = await loadModelFolder(dir, modelRuntimes());
  try {
    assert.equal(model.runtime, "onnx");
    assert.deepEqual(model.signature.classes, ["3", "5", "7"]);
    const expected = readExpected("tree-multiclass");
    const parts = partScores(model, await model.predict(inputTable(model, expected)), expected.rows.length);
    const first = expected.predictions[0] as number[];
    assert.equal(parts.top?.[0], first.indexOf(Math.max(...first)));
  } finally {
    await model.close?.();
  }
});

test("binary signatures name the classes and the threshold; an empty batch scores nothing", async () => {
  const dir = join(FIXTURES, "linear-binary");
  const model = await loadOnnxFolder(dir, mlmodelOf(dir));
  try {
    assert.deepEqual(model.signature, {
      task: "binary",
      inputs: [
        { name: "age", type: "float" },
        { name: "charges", type: "float" },
        { name: "plan", type: "string" },
      ],
      negative_class: "stay",
      positive_class: "leave",
      threshold: 0.5,
    });
    const empty = await model.predict(tableFromRows(["age", "charges", "plan"], [], ["float", "float", "string"]));
    assert.deepEqual(empty, { rows: 0, scores: new Float64Array(0) });
  } finally {
    await model.close?.();
  }
});

test("bad input is refused naming the column", async () => {
  const dir = join(FIXTURES, "linear-binary");
  const model = await loadOnnxFolder(dir, mlmodelOf(dir));
  try {
    await assert.rejects(
      model.predict(tableFromRows(["age", "charges"], [[30, 10]], ["float", "float"])),
      (e: Error & { code?: string }) => e.code === "INVALID_PARAMETER_VALUE" && /'plan' is missing/.test(e.message),
    );
    await assert.rejects(
      model.predict(tableFromRows(["age", "charges", "plan"], [["x", 10, "basic"]], ["string", "float", "string"])),
      (e: Error & { code?: string }) => e.code === "INVALID_PARAMETER_VALUE" && /'age' is string/.test(e.message),
    );
  } finally {
    await model.close?.();
  }
});
