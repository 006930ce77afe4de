/** Contract: versions created from an MLflow 3 logged model keep its id on every answer. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { forEachBackend } from "./test-support/registry-backends.js";

const MODEL = "m-00112233445566778899aabbccddeeff";
const LOCATION = `mlflow-artifacts:/1/models/${MODEL}/artifacts`;

forEachBackend("versions from logged models", (h) => {
  test("model_id comes back from create, get, search, aliases, latest versions, update and transition", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m3" });
    const v1 = await store.createModelVersion({
      name: "m3",
      source: `models:/${MODEL}`,
      storageLocation: LOCATION,
      runId: "run1",
      modelId: MODEL,
    });
    assert.equal(v1.model_id, MODEL);
    assert.equal(v1.source, `models:/${MODEL}`, "the source stays as sent");
    assert.equal(v1.run_id, "run1");
    const v2 = await store.createModelVersion({ name: "m3", source: "mlflow-artifacts:/1/r/artifacts/model" });
    assert.equal(v2.model_id, undefined, "a plain version has none");
    await store.setAlias({ name: "m3", alias: "champion", version: "1" });
    const ref = { name: "m3", version: "1" };
    const seen = [
      await store.getModelVersion(ref),
      await store.getModelVersionByAlias({ name: "m3", alias: "champion" }),
      await store.updateModelVersion({ ...ref, description: "d" }),
      await store.transitionModelVersionStage({ ...ref, stage: "Staging" }),
      ...(await store.getLatestVersions({ name: "m3", stages: ["Staging"] })),
      ...(await store.searchModelVersions({ filter: "name = 'm3' AND version_number = 1" })).items,
      ...((await store.getRegisteredModel({ name: "m3" })).latest_versions ?? []).filter((v) => v.version === "1"),
    ];
    assert.equal(seen.length, 7);
    for (const mv of seen) assert.equal(mv.model_id, MODEL);
  });

  test("the download URI is the logged model's artifact location; search filters by model_id", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "a" });
    await store.createRegisteredModel({ name: "b" });
    const from = { source: `models:/${MODEL}`, storageLocation: LOCATION, modelId: MODEL };
    await store.createModelVersion({ name: "a", ...from });
    await store.createModelVersion({ name: "a", source: "mlflow-artifacts:/1/r/artifacts/model" });
    await store.createModelVersion({ name: "b", ...from });
    assert.equal(await store.getModelVersionDownloadUri({ name: "a", version: "1" }), LOCATION);
    const found = await store.searchModelVersions({ filter: `model_id = '${MODEL}'`, orderBy: ["name"] });
    assert.deepEqual(
      found.items.map((v) => `${v.name}/${v.version}`),
      ["a/1", "b/1"],
    );
    // The logged model's folder is frozen like any registered package.
    assert.deepEqual(
      (await store.sourcesCovering(`1/models/${MODEL}/artifacts/MLmodel`)).map((s) => `${s.name}/${s.version}`),
      ["a/1", "b/1"],
    );
    await store.deleteModelVersion({ name: "b", version: "1" });
    const left = await store.searchModelVersions({ filter: `model_id = '${MODEL}'` });
    assert.deepEqual(
      left.items.map((v) => `${v.name}/${v.version}`),
      ["a/1"],
    );
  });
});
