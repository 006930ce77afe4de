import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
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
import { PACKAGE_DIGEST_TAG, packageDigest } from "./package-digest.js";

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

  // The first fetch recorded the package digest on the version.
  const tags = (await platform.registry.getModelVersion({ name: "churn", version: "1" })).tags ?? [];
  const digest = tags.find((t) => t.key === PACKAGE_DIGEST_TAG)?.value;
  assert.equal(digest, await packageDigest(join(cacheDir, "churn", "1")));
  assert.match(digest ?? "", /^sha256:[0-9a-f]{64}$/);

  // A tampered cache file: the copy is refused, dropped and fetched again from the store.
  const cached = readdirSync(join(cacheDir, "churn", "1")).find((f) => f !== "MLmodel") as string;
  writeFileSync(join(cacheDir, "churn", "1", cached), "tampered");
  const warnings: string[] = [];
  const again = await resolveModel("churn/1", { ...platform, cacheDir, warn: (m) => warnings.push(m) });
  assert.deepEqual([...(await again.predictor.predict(table.slice(0, 10))).scores], [...scores]);
  assert.deepEqual(warnings, [
    "the serving cache's copy of churn/1 does not match its package digest; fetching it again",
  ]);
  assert.equal(await packageDigest(join(cacheDir, "churn", "1")), digest, "the cache holds a good copy again");

  // A changed package in the store: the verified cache copy still serves; without it, loading is refused.
  await platform.artifacts.put(`${root}/MLmodel`, Readable.from([Buffer.from("flavors: {}\n")]));
  const cachedLoad = await resolveModel("churn/1", { ...platform, cacheDir });
  assert.equal(cachedLoad.predictor.kind, m.predictor.kind);
  rmSync(join(cacheDir, "churn"), { recursive: true, force: true });
  await assert.rejects(
    resolveModel("churn/1", { ...platform, cacheDir }),
    (e) =>
      e instanceof MwError &&
      e.code === "INVALID_STATE" &&
      /does not match its recorded package digest/.test(e.message),
  );
});

test("a version registered from a logged model, and the logged model by id, load and predict", async () => {
  const table = await readTable(TELCO_CSV);
  const fit = await fitModel(table, {
    label: "Churn",
    algo: "linear",
    params: resolveParams("linear", []),
    seed: 1,
  });
  const run = await platform.tracking.createRun({ experimentId: "0" });
  const { info } = await platform.tracking.createLoggedModel({ experimentId: "0", sourceRunId: run.info.run_id });
  const root = info.artifact_uri.replace(/^mlflow-artifacts:\//, "");
  const dir = join(home, "logged-pkg");
  const { createReadStream } = await import("node:fs");
  for (const f of await writeModelPackage(dir, fit.package))
    await platform.artifacts.put(`${root}/${f}`, createReadStream(join(dir, f)));
  await platform.tracking.finalizeLoggedModel(info.model_id, "LOGGED_MODEL_READY");
  await platform.registry.createRegisteredModel({ name: "m3" });
  // As the API records it (the folder as storage location), and as a version naming only the model.
  await platform.registry.createModelVersion({
    name: "m3",
    source: `models:/${info.model_id}`,
    storageLocation: info.artifact_uri,
    modelId: info.model_id,
  });
  await platform.registry.createModelVersion({
    name: "m3",
    source: `models:/${info.model_id}`,
    modelId: info.model_id,
  });
  const want = [...predictorFor(fit.package).predict(table.slice(0, 5))];
  const cacheDir = join(home, "cache-logged");
  for (const ref of ["m3/1", "m3/2", `models:/${info.model_id}`, info.model_id]) {
    const m = await resolveModel(ref, { ...platform, cacheDir });
    assert.deepEqual([...(await m.predictor.predict(table.slice(0, 5))).scores], want, ref);
    await m.close?.();
  }
  const byId = await resolveModel(`models:/${info.model_id}`, { ...platform, cacheDir });
  assert.deepEqual([byId.name, byId.version], [info.model_id, ""]);
  const { tracking: _, ...noTracking } = platform;
  await assert.rejects(resolveModel("m3/2", { ...noTracking, cacheDir }), /cannot be resolved here/);
  await assert.rejects(
    resolveModel("m-99999999999999999999999999999999", { ...platform, cacheDir }),
    (e) => e instanceof MwError && e.code === "RESOURCE_DOES_NOT_EXIST",
  );
});
