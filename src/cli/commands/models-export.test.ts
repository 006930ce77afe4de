import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import { predictorFor } from "../../learn/package/load-model.js";
import type { ModelPackage } from "../../learn/package/model-package.js";
import { fitTelcoPackage } from "../../learn/test-support/telco-models.js";
import { parseMlModel } from "../../runtimes/mlmodel.js";
import { loadOnnxFolder } from "../../runtimes/onnx/onnx-runtime.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { registerModels } from "../test-support/register-model.js";

let telco: Table;
let pkg: ModelPackage;
let home: string;

before(async () => {
  telco = (await readTable(TELCO_CSV)).slice(0, 300);
  pkg = await fitTelcoPackage(telco, 5);
  home = mkdtempSync(join(tmpdir(), "mw-export-cli-"));
  await registerModels(home, "churn", [pkg], { champion: "1" });
});

after(() => rmSync(home, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const io = captureIo(home);
  const code = await main(["models", ...argv], io);
  return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
}

test("models export writes an ONNX file whose scores are the registered model's", async () => {
  const r = await run("export", "churn@champion", "--out", "churn.onnx", "--json");
  assert.equal(r.code, 0, r.err);
  const res = JSON.parse(r.out);
  assert.deepEqual(res.model, { name: "churn", version: "1" });
  assert.equal(res.format, "onnx");
  assert.equal(res.algo, "gbdt");
  assert.equal(res.task, "binary");
  assert.deepEqual(
    res.inputs,
    pkg.signature.inputs.map((i) => i.name),
  );
  const file = join(home, "churn.onnx");
  assert.ok(existsSync(file));

  const dir = join(home, "as-mlflow");
  mkdirSync(dir);
  copyFileSync(file, join(dir, "model.onnx"));
  const mlmodel = "flavors:\n  onnx:\n    data: model.onnx\n";
  writeFileSync(join(dir, "MLmodel"), mlmodel);
  const model = await loadOnnxFolder(dir, parseMlModel(mlmodel, "MLmodel"));
  try {
    const { scores } = await model.predict(telco);
    const native = predictorFor(pkg).predict(telco);
    for (let r = 0; r < telco.numRows; r++)
      assert.ok(Math.abs((scores[r] as number) - (native[r] as number)) <= 1e-6, `row ${r}`);
  } finally {
    await model.close?.();
  }

  const human = await run("export", "churn/1", "--out", "again.onnx");
  assert.equal(human.code, 0, human.err);
  assert.match(
    human.out,
    /^Exported churn version 1 \(gbdt, binary, \d+ inputs\) as ONNX → again\.onnx \(\d+ bytes\)$/,
  );
});

test("models export refuses an unknown format, a missing --out and an unknown version", async () => {
  const format = await run("export", "churn/1", "--out", "x.pmml", "--format", "pmml");
  assert.equal(format.code, 2);
  assert.match(format.err, /--format must be one of onnx, not 'pmml'/);
  const out = await run("export", "churn/1");
  assert.equal(out.code, 2);
  assert.match(out.err, /models export needs MODEL\/VERSION and --out FILE/);
  const missing = await run("export", "churn/9", "--out", "x.onnx");
  assert.notEqual(missing.code, 0);
  assert.ok(!existsSync(join(home, "x.onnx")));
  const help = await run("--help");
  assert.match(help.out, /models export MODEL\/VERSION\|MODEL@ALIAS --out FILE \[--format onnx\]/);
});
