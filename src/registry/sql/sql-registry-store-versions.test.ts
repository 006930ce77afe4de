/** Contract: model versions (create, numbering, update, stages, latest versions, delete, tags, download URI). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { forEachBackend, rejectsWith } from "./test-support/registry-backends.js";

forEachBackend("model versions", (h) => {
  test("create numbers versions from 1, READY in stage None, and bumps the model", async () => {
    const { store, clock } = h();
    await store.createRegisteredModel({ name: "m" });
    const t = clock.tick();
    const v1 = await store.createModelVersion({
      name: "m",
      source: "mlflow-artifacts:/0/abc/artifacts/model",
      runId: "abc",
      runLink: "http://ui/runs/abc",
      description: "first",
      tags: [{ key: "k", value: "v" }],
    });
    assert.deepEqual(v1, {
      name: "m",
      version: "1",
      creation_timestamp: t,
      last_updated_timestamp: t,
      current_stage: "None",
      description: "first",
      source: "mlflow-artifacts:/0/abc/artifacts/model",
      run_id: "abc",
      status: "READY",
      tags: [{ key: "k", value: "v" }],
      run_link: "http://ui/runs/abc",
    });
    assert.equal((await store.getRegisteredModel({ name: "m" })).last_updated_timestamp, t);
    const v2 = await store.createModelVersion({ name: "m", source: "s3://b/2" });
    assert.equal(v2.version, "2");
    assert.deepEqual(await store.getModelVersion({ name: "m", version: "2" }), v2);
    assert.deepEqual(await store.getModelVersion({ name: "m", version: 1 }), v1);
  });

  test("numbers are never reused after a delete", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m" });
    for (let i = 0; i < 3; i++) await store.createModelVersion({ name: "m", source: `s3://b/${i}` });
    await store.deleteModelVersion({ name: "m", version: "3" });
    await store.deleteModelVersion({ name: "m", version: "2" });
    assert.equal((await store.createModelVersion({ name: "m", source: "s3://b/x" })).version, "4");
  });

  test("concurrent creates get distinct consecutive numbers", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m" });
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.createModelVersion({ name: "m", source: `s3://b/${i}` })),
    );
    const numbers = created.map((v) => Number(v.version)).sort((a, b) => a - b);
    assert.deepEqual(
      numbers,
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  test("sources with '..' or NUL in any encoding are rejected", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m" });
    const bad = [
      "../etc/passwd",
      "s3://b/a/../../x",
      "file:///tmp/%2e%2e/x",
      "mlflow-artifacts:/0/%252E%252E/x",
      "s3://b/x%00.pkl",
      "s3://b/x%2500.pkl",
      "s3://b/a\\..\\x",
      "",
    ];
    for (const source of bad) {
      await rejectsWith(store.createModelVersion({ name: "m", source }), "INVALID_PARAMETER_VALUE", /'source'/);
    }
    const ok = await store.createModelVersion({ name: "m", source: "s3://b/model..v2/x%20y" });
    assert.equal(ok.version, "1");
  });

  test("bad version numbers are INVALID_PARAMETER_VALUE; unknown ones RESOURCE_DOES_NOT_EXIST", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m" });
    await store.createModelVersion({ name: "m", source: "s3://b/1" });
    for (const version of ["abc", "0", "-1", "1.5", "", " ", "1e3"]) {
      await rejectsWith(store.getModelVersion({ name: "m", version }), "INVALID_PARAMETER_VALUE", /'version'/);
    }
    await rejectsWith(store.getModelVersion({ name: "m", version: 0 }), "INVALID_PARAMETER_VALUE");
    const msg = "Model Version (name=m, version=7) not found";
    await rejectsWith(store.getModelVersion({ name: "m", version: "7" }), "RESOURCE_DOES_NOT_EXIST", msg);
    await rejectsWith(store.updateModelVersion({ name: "m", version: 7 }), "RESOURCE_DOES_NOT_EXIST", msg);
    await rejectsWith(store.deleteModelVersion({ name: "m", version: 7 }), "RESOURCE_DOES_NOT_EXIST", msg);
    await rejectsWith(store.getModelVersionDownloadUri({ name: "m", version: 7 }), "RESOURCE_DOES_NOT_EXIST", msg);
    await rejectsWith(
      store.transitionModelVersionStage({ name: "m", version: 7, stage: "Staging" }),
      "RESOURCE_DOES_NOT_EXIST",
      msg,
    );
    await rejectsWith(
      store.setModelVersionTag({ name: "m", version: 7, key: "k", value: "v" }),
      "RESOURCE_DOES_NOT_EXIST",
    );
    await rejectsWith(store.deleteModelVersionTag({ name: "m", version: 7, key: "k" }), "RESOURCE_DOES_NOT_EXIST");
    await rejectsWith(
      store.getModelVersion({ name: "ghost", version: 1 }),
      "RESOURCE_DOES_NOT_EXIST",
      "Registered Model with name=ghost not found",
    );
  });

  test("update sets the description and bumps the version's timestamp", async () => {
    const { store, clock } = h();
    await store.createRegisteredModel({ name: "m" });
    await store.createModelVersion({ name: "m", source: "s3://b/1" });
    const t = clock.tick();
    const v = await store.updateModelVersion({ name: "m", version: "1", description: "better" });
    assert.equal(v.description, "better");
    assert.equal(v.last_updated_timestamp, t);
  });

  test("transition moves the stage (any case) and archives others only when asked", async () => {
    const { store, clock } = h();
    await store.createRegisteredModel({ name: "m" });
    for (let i = 0; i < 4; i++) await store.createModelVersion({ name: "m", source: `s3://b/${i}` });
    await store.transitionModelVersionStage({ name: "m", version: 1, stage: "production" });
    await store.transitionModelVersionStage({ name: "m", version: 2, stage: "Production" });
    await store.transitionModelVersionStage({ name: "m", version: 3, stage: "STAGING" });
    const stages = async () =>
      (await store.searchModelVersions({ filter: "name = 'm'", orderBy: ["version_number"] })).items.map(
        (v) => v.current_stage,
      );
    assert.deepEqual(await stages(), ["Production", "Production", "Staging", "None"]);
    const t = clock.tick();
    const v4 = await store.transitionModelVersionStage({
      name: "m",
      version: "4",
      stage: "Production",
      archiveExistingVersions: true,
    });
    assert.equal(v4.current_stage, "Production");
    assert.equal(v4.last_updated_timestamp, t);
    assert.deepEqual(await stages(), ["Archived", "Archived", "Staging", "Production"]);
    assert.equal((await store.getModelVersion({ name: "m", version: 1 })).last_updated_timestamp, t);
    assert.equal((await store.getRegisteredModel({ name: "m" })).last_updated_timestamp, t);
  });

  test("transition rejects unknown stages and archiving into inactive stages", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m" });
    await store.createModelVersion({ name: "m", source: "s3://b/1" });
    await rejectsWith(
      store.transitionModelVersionStage({ name: "m", version: 1, stage: "Prod" }),
      "INVALID_PARAMETER_VALUE",
      /'stage'/,
    );
    for (const stage of ["None", "Archived"]) {
      await rejectsWith(
        store.transitionModelVersionStage({ name: "m", version: 1, stage, archiveExistingVersions: true }),
        "INVALID_PARAMETER_VALUE",
        /Active stage/,
      );
    }
    assert.equal((await store.getModelVersion({ name: "m", version: 1 })).current_stage, "None");
  });

  test("latest versions: the highest READY version per stage, deleted ones skipped", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m" });
    for (let i = 0; i < 5; i++) await store.createModelVersion({ name: "m", source: `s3://b/${i}` });
    await store.transitionModelVersionStage({ name: "m", version: 1, stage: "Production" });
    await store.transitionModelVersionStage({ name: "m", version: 3, stage: "Production" });
    await store.transitionModelVersionStage({ name: "m", version: 4, stage: "Staging" });
    await store.deleteModelVersion({ name: "m", version: 5 });
    const pairs = (vs: { version: string; current_stage: string }[]) => vs.map((v) => [v.current_stage, v.version]);
    // Stages come in the order of their lowest version, as MLflow's map does.
    const all = [
      ["Production", "3"],
      ["None", "2"],
      ["Staging", "4"],
    ];
    assert.deepEqual(pairs(await store.getLatestVersions({ name: "m" })), all);
    assert.deepEqual(pairs(await store.getLatestVersions({ name: "m", stages: [] })), all);
    assert.deepEqual(pairs((await store.getRegisteredModel({ name: "m" })).latest_versions ?? []), all);
    assert.deepEqual(pairs(await store.getLatestVersions({ name: "m", stages: ["production", "Staging"] })), [
      ["Production", "3"],
      ["Staging", "4"],
    ]);
    assert.deepEqual(await store.getLatestVersions({ name: "m", stages: ["Archived"] }), []);
    await rejectsWith(store.getLatestVersions({ name: "m", stages: ["Live"] }), "INVALID_PARAMETER_VALUE", /'stage'/);
  });

  test("delete hides the version, drops its aliases and tags, keeps others", async () => {
    const { store, clock } = h();
    await store.createRegisteredModel({ name: "m" });
    await store.createModelVersion({ name: "m", source: "s3://b/1" });
    await store.createModelVersion({ name: "m", source: "s3://b/2", tags: [{ key: "k", value: "v" }] });
    await store.setAlias({ name: "m", alias: "champion", version: 2 });
    await store.setAlias({ name: "m", alias: "old", version: 1 });
    const t = clock.tick();
    await store.deleteModelVersion({ name: "m", version: "2" });
    await rejectsWith(store.getModelVersion({ name: "m", version: 2 }), "RESOURCE_DOES_NOT_EXIST");
    await rejectsWith(store.deleteModelVersion({ name: "m", version: 2 }), "RESOURCE_DOES_NOT_EXIST");
    const m = await store.getRegisteredModel({ name: "m" });
    assert.deepEqual(m.aliases, [{ alias: "old", version: "1" }]);
    assert.equal(m.last_updated_timestamp, t);
    assert.deepEqual(
      (await store.searchModelVersions({})).items.map((v) => v.version),
      ["1"],
    );
    const tags = await h().db.all("SELECT * FROM model_version_tags WHERE name = 'm'");
    assert.equal(tags.length, 0);
  });

  test("version tags: set, overwrite, delete, limits; listed in the order set", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m" });
    await store.createModelVersion({
      name: "m",
      source: "s3://b/1",
      tags: [
        { key: "z", value: "0" },
        { key: "c", value: "0" },
      ],
    });
    await store.setModelVersionTag({ name: "m", version: "1", key: "b", value: "1" });
    await store.setModelVersionTag({ name: "m", version: 1, key: "a", value: "2" });
    await store.setModelVersionTag({ name: "m", version: 1, key: "b", value: "3" });
    // An overwritten tag keeps its place, as MLflow's update in place.
    assert.deepEqual((await store.getModelVersion({ name: "m", version: 1 })).tags, [
      { key: "z", value: "0" },
      { key: "c", value: "0" },
      { key: "b", value: "3" },
      { key: "a", value: "2" },
    ]);
    await store.deleteModelVersionTag({ name: "m", version: 1, key: "a" });
    await store.deleteModelVersionTag({ name: "m", version: 1, key: "never" });
    await store.deleteModelVersionTag({ name: "m", version: 1, key: "z" });
    await store.setModelVersionTag({ name: "m", version: 1, key: "z", value: "9" });
    const expected = [
      { key: "c", value: "0" },
      { key: "b", value: "3" },
      { key: "z", value: "9" },
    ];
    assert.deepEqual((await store.getModelVersion({ name: "m", version: 1 })).tags, expected);
    assert.deepEqual((await store.searchModelVersions({ filter: "name = 'm'" })).items[0]?.tags, expected);
    await rejectsWith(
      store.setModelVersionTag({ name: "m", version: 1, key: "k", value: "v".repeat(5001) }),
      "INVALID_PARAMETER_VALUE",
    );
    await rejectsWith(
      store.setModelVersionTag({ name: "m", version: 1, key: "x".repeat(251), value: "v" }),
      "INVALID_PARAMETER_VALUE",
    );
    await rejectsWith(
      store.setModelVersionTag({ name: "m", version: "x", key: "k", value: "v" }),
      "INVALID_PARAMETER_VALUE",
    );
  });

  test("download URI is the storage location when set, else the source", async () => {
    const { store, db } = h();
    await store.createRegisteredModel({ name: "m" });
    await store.createModelVersion({ name: "m", source: "mlflow-artifacts:/0/r/artifacts/model" });
    await store.createModelVersion({ name: "m", source: "models:/m-123" });
    await db.run("UPDATE model_versions SET storage_location = ? WHERE name = 'm' AND version = 2", [
      "mlflow-artifacts:/0/models/m-123/artifacts",
    ]);
    assert.equal(
      await store.getModelVersionDownloadUri({ name: "m", version: 1 }),
      "mlflow-artifacts:/0/r/artifacts/model",
    );
    assert.equal(
      await store.getModelVersionDownloadUri({ name: "m", version: "2" }),
      "mlflow-artifacts:/0/models/m-123/artifacts",
    );
  });
});
