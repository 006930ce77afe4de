import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import { trainGbdt } from "../../learn/gbdt/train-gbdt.js";
import { exportPackageOnnx } from "../../learn/onnx/export-package.js";
import { decodeOnnxModel } from "../../learn/onnx/onnx-decode.js";
import { predictorFor } from "../../learn/package/load-model.js";
import type { ModelPackage } from "../../learn/package/model-package.js";
import { fitPreprocessor } from "../../learn/preprocess/fit.js";
import { fitTelcoPackage } from "../../learn/test-support/telco-models.js";
import { parseMlModel } from "../mlmodel.js";
import type { LoadedModel } from "../runtime.js";
import { buildFeeds } from "./onnx-feeds.js";
import { planInputs } from "./onnx-inputs.js";
import { loadOnnxFolder } from "./onnx-runtime.js";
import { loadOrt } from "./ort-module.js";

let telco: Table;
let root: string;

before(async () => {
  telco = await readTable(TELCO_CSV);
  root = mkdtempSync(join(tmpdir(), "mw-onnx-export-"));
});

after(() => rmSync(root, { recursive: true, force: true }));

const MLMODEL = "flavors:\n  onnx:\n    data: model.onnx\n";

/** Export `pkg` into an MLflow onnx folder and load it with the onnx runtime. */
async function exported(name: string, pkg: ModelPackage): Promise<{ model: LoadedModel; bytes: Uint8Array }> {
  const dir = join(root, name);
  const bytes = exportPackageOnnx(pkg, { source: `${name}/1` });
  mkdirSync(dir);
  writeFileSync(join(dir, "model.onnx"), bytes);
  writeFileSync(join(dir, "MLmodel"), MLMODEL);
  return { model: await loadOnnxFolder(dir, parseMlModel(MLMODEL, "MLmodel")), bytes };
}

/** onnxruntime's `label` output for the Telco rows, straight from a session on the exported bytes. */
async function onnxLabels(bytes: Uint8Array): Promise<string[]> {
  const ort = await loadOrt();
  const plan = planInputs(parseMlModel(MLMODEL, "MLmodel"), decodeOnnxModel(bytes), "MLmodel", "model.onnx");
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run(buildFeeds(ort, plan, telco), ["label"]);
    return out.label?.data as string[];
  } finally {
    await session.release();
  }
}

for (const algo of ["gbdt", "linear"] as const) {
  test(`a Telco ${algo} model exported as ONNX scores every row as the native predictor (1e-6), labels alike`, async () => {
    const pkg = await fitTelcoPackage(telco, 60, algo);
    const native = predictorFor(pkg).predict(telco);
    const { model, bytes } = await exported(`telco-${algo}`, pkg);
    try {
      assert.equal(model.kind, "binary");
      assert.deepEqual(model.classes, [pkg.signature.negative_class, pkg.signature.positive_class]);
      assert.deepEqual(
        model.signature.inputs.map((i) => i.name),
        pkg.signature.inputs.map((i) => i.name),
      );
      const { scores } = await model.predict(telco);
      assert.equal(scores.length, telco.numRows);
      let worst = 0;
      for (let r = 0; r < telco.numRows; r++)
        worst = Math.max(worst, Math.abs((scores[r] as number) - (native[r] as number)));
      assert.ok(worst <= 1e-6, `largest difference ${worst}`);
      const labels = await onnxLabels(bytes);
      const threshold = pkg.signature.threshold ?? 0.5;
      labels.forEach((label, r) => {
        const p = native[r] as number;
        if (Math.abs(p - threshold) < 1e-6) return;
        assert.equal(label, p >= threshold ? pkg.signature.positive_class : pkg.signature.negative_class, `row ${r}`);
      });
    } finally {
      await model.close?.();
    }
  });
}

test("a GBDT regression package exported as ONNX gives the native values to float32 precision", async () => {
  const features = telco.columnNames.filter((n) => n !== "customerID" && n !== "Churn" && n !== "MonthlyCharges");
  const pre = fitPreprocessor(telco, { features, kind: "tree" });
  const charges = telco.column("MonthlyCharges");
  assert.ok(charges && charges.type === "float");
  const gbdt = await trainGbdt(pre.transform(telco), Float64Array.from(charges.values), {
    objective: "reg:squarederror",
    n_estimators: 30,
    seed: 1,
  });
  const pkg: ModelPackage = {
    algo: "gbdt",
    model: gbdt.toJSON(),
    preprocessor: pre.toJSON(),
    signature: { task: "regression", inputs: pre.inputSignature() },
  };
  const native = predictorFor(pkg).predict(telco);
  const { model } = await exported("telco-regression", pkg);
  try {
    assert.equal(model.kind, "regression");
    const { scores } = await model.predict(telco);
    for (let r = 0; r < telco.numRows; r++) {
      const want = native[r] as number;
      assert.ok(Math.abs((scores[r] as number) - want) <= 1e-6 * Math.abs(want), `row ${r}: ${scores[r]} vs ${want}`);
    }
  } finally {
    await model.close?.();
  }
});

test("imported XGBoost packages are not exported", async () => {
  const pkg: ModelPackage = { algo: "xgboost", model: {}, signature: { task: "binary", inputs: [] } };
  assert.throws(() => exportPackageOnnx(pkg), /xgboost package cannot be exported to ONNX/);
});
