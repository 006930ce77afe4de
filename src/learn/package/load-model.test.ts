import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import { fitModel } from "../train/fit-model.js";
import { resolveParams } from "../train/train-params.js";
import { loadModel, predictorFor } from "./load-model.js";
import { writeModelPackage } from "./model-package.js";

const root = mkdtempSync(join(tmpdir(), "mw-load-"));
after(() => rmSync(root, { recursive: true, force: true }));

test("a trained package loads and scores a table exactly as the in-memory model (gbdt and linear)", async () => {
  const table = await readTable(TELCO_CSV);
  for (const algo of ["gbdt", "linear"] as const) {
    const params = resolveParams(algo, algo === "gbdt" ? ["n_estimators=50"] : []);
    const fit = await fitModel(table, { label: "Churn", algo, params, seed: 3 });
    const dir = join(root, algo);
    await writeModelPackage(dir, fit.package);
    const loaded = await loadModel(dir);
    const a = loaded.predict(table);
    const b = predictorFor(fit.package).predict(table);
    assert.equal(a.length, 7043);
    assert.deepEqual([...a], [...b]);
    assert.ok(a.every((p) => p > 0 && p < 1));
    // Extra columns are ignored; a missing input column is named.
    assert.throws(() => loaded.predict(table.select(["tenure"])), /Contract|gender|missing/i);
  }
});

test("an imported XGBoost model scores like xgboost.predict (≤ 1e-6)", async () => {
  const model = JSON.parse(readFileSync("test-fixtures/xgboost/binary.model.json", "utf8"));
  const inputs = JSON.parse(readFileSync("test-fixtures/xgboost/binary.inputs.json", "utf8")) as {
    feature_names: string[];
    rows: (number | null)[][];
  };
  const expected = JSON.parse(readFileSync("test-fixtures/xgboost/binary.expected.json", "utf8"))
    .predictions as number[];
  const columns = Object.fromEntries(inputs.feature_names.map((n, j) => [n, inputs.rows.map((r) => r[j] ?? null)]));
  const table = tableFromColumns(columns);
  const dir = join(root, "xgb");
  await writeModelPackage(dir, {
    algo: "xgboost",
    model,
    signature: { task: "binary", inputs: inputs.feature_names.map((name) => ({ name, type: "float" })) },
  });
  const got = (await loadModel(dir)).predict(table);
  let worst = 0;
  for (let i = 0; i < expected.length; i++)
    worst = Math.max(worst, Math.abs((got[i] as number) - (expected[i] as number)));
  assert.ok(worst <= 1e-6, `max abs difference ${worst}`);
});
