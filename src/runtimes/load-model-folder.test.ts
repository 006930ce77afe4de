import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { TELCO_CSV } from "../core/test-support/shared-data.js";
import { readTable } from "../data/read-table.js";
import { predictorFor } from "../learn/package/load-model.js";
import { writeModelPackage } from "../learn/package/model-package.js";
import { fitTelcoPackage } from "../learn/test-support/telco-models.js";
import { loadModelFolder } from "./load-model-folder.js";
import { parseMlModel, signatureInputs } from "./mlmodel.js";
import { nativeRuntime } from "./native/native-runtime.js";

test("a native package loads through the native runtime and scores as its predictor does", async () => {
  const dir = await mkdtemp(join(tmpdir(), "mw-rt-"));
  try {
    const telco = await readTable(TELCO_CSV);
    const pkg = await fitTelcoPackage(telco, 3);
    await writeModelPackage(dir, pkg);
    const model = await loadModelFolder(dir, [nativeRuntime]);
    assert.equal(model.runtime, "native");
    assert.equal(model.kind, "binary");
    assert.equal(model.classes?.length, 2);
    const out = await model.predict(telco);
    assert.equal(out.rows, telco.numRows);
    assert.deepEqual(out.scores, predictorFor(pkg).predict(telco));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("folders no runtime accepts, and broken manifests, are refused naming the file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "mw-rt-"));
  try {
    await assert.rejects(loadModelFolder(dir, [nativeRuntime]), /Not a model folder: '.*MLmodel' is missing/);
    await writeFile(join(dir, "MLmodel"), "flavors:\n  lightgbm: {data: model.lgb}\n");
    await assert.rejects(
      loadModelFolder(dir, [nativeRuntime]),
      /MLmodel' has flavors lightgbm; none of them can be loaded by the runtimes here \(native\)/,
    );
    await writeFile(join(dir, "MLmodel"), "artifact_path: model\n");
    await assert.rejects(loadModelFolder(dir, [nativeRuntime]), /has no 'flavors' mapping/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("MLflow signatures: JSON strings inside the YAML become typed inputs", () => {
  const mlmodel = parseMlModel(
    [
      "flavors: {xgboost: {data: model.xgb}}",
      "signature:",
      `  inputs: '[{"type": "double", "name": "a"}, {"type": "long", "name": "b"}, {"type": "string", "name": "c"}, {"type": "boolean", "name": "d"}]'`,
      `  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1]}}]'`,
    ].join("\n"),
    "MLmodel",
  );
  assert.deepEqual(signatureInputs(mlmodel, "MLmodel"), [
    { name: "a", type: "float" },
    { name: "b", type: "int" },
    { name: "c", type: "string" },
    { name: "d", type: "bool" },
  ]);
  const tensors = parseMlModel(
    `flavors: {onnx: {}}\nsignature:\n  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]'\n`,
    "MLmodel",
  );
  assert.equal(signatureInputs(tensors, "MLmodel"), undefined);
  const binary = parseMlModel(`flavors: {x: {}}\nsignature:\n  inputs: '[{"type": "binary", "name": "img"}]'\n`, "M");
  assert.throws(() => signatureInputs(binary, "M"), /input 'img' has type 'binary', which cannot be scored/);
});
