import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { resolveConfig } from "../core/config.js";
import { MwError } from "../core/errors.js";
import { TELCO_CSV } from "../core/test-support/shared-data.js";
import { readTable } from "../data/read-table.js";
import { predictorFor } from "../learn/package/load-model.js";
import { writeModelPackage } from "../learn/package/model-package.js";
import { fitModel } from "../learn/train/fit-model.js";
import { resolveParams } from "../learn/train/train-params.js";
import type { Platform } from "../server/open-platform.js";
import { openPlatform } from "../server/open-platform.js";
import { parseModelRef, resolveModel } from "./model-resolver.js";

let home: string;
let platform: Platform;

before(async () => {
  home = mkdtempSync(join(tmpdir(), "mw-resolve-"));
  platform = await openPlatform(resolveConfig({ home }, {}, home));
});
after(async () => {
  await platform.close();
  rmSync(home, { recursive: true, force: true });
});

test("model references", () => {
  assert.deepEqual(parseModelRef("churn@champion"), { name: "churn", alias: "champion" });
  assert.deepEqual(parseModelRef("models:/churn/3"), { name: "churn", version: "3" });
  assert.throws(
    () => parseModelRef("churn"),
    (e) => e instanceof MwError && /NAME@ALIAS/.test(e.message),
  );
});

test("an alias resolves to a registered package that loads and predicts", async () => {
  const table = await readTable(TELCO_CSV);
  const fit = await fitModel(table, {
    label: "Churn",
    algo: "gbdt",
    params: resolveParams("gbdt", ["n_estimators=20"]),
    seed: 1,
  });
  const run = await platform.tracking.createRun({ experimentId: "0" });
  const dir = join(home, "pkg");
  const root = `0/${run.info.run_id}/artifacts/model`;
  for (const f of await writeModelPackage(dir, fit.package)) {
    const { createReadStream } = await import("node:fs");
    await platform.artifacts.put(`${root}/${f}`, createReadStream(join(dir, f)));
  }
  await platform.registry.createRegisteredModel({ name: "churn" });
  await platform.registry.createModelVersion({
    name: "churn",
    source: `mlflow-artifacts:/${root}`,
    runId: run.info.run_id,
  });
  await platform.registry.setAlias({ name: "churn", alias: "champion", version: "1" });
  const cacheDir = join(home, "cache");
  const m = await resolveModel("churn@champion", { ...platform, cacheDir });
  assert.equal(m.version, "1");
  assert.equal(m.alias, "champion");
  const { scores } = await m.predictor.predict(table.slice(0, 10));
  assert.equal(scores.length, 10);
  assert.deepEqual([...scores], [...predictorFor(fit.package).predict(table.slice(0, 10))]);
  assert.deepEqual(readdirSync(join(cacheDir, "churn")), ["1"]);
  await assert.rejects(resolveModel("churn@nope", { ...platform, cacheDir }), (e) => e instanceof MwError);
  await platform.artifacts.put(`${root}/MLmodel`, Readable.from([Buffer.from("flavors: {}\n")]));
  await assert.rejects(
    resolveModel("churn/1", { ...platform, cacheDir }),
    /model churn\/1 has flavors none; none of them can be loaded by the runtimes here \(native, xgboost, onnx, python\)/,
  );
});
