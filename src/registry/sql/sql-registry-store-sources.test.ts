/** Contract: which live versions' package folders cover an artifact path (what the artifact routes freeze). */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { migrate } from "../../core/db/migrate.js";
import { testBackends } from "../../core/db/test-support/backends.js";
import { trackingMigrations } from "../../tracking/migrations.js";
import { registryMigrations } from "../migrations.js";
import { SqlRegistryStore } from "./sql-registry-store.js";
import { forEachBackend, TestClock } from "./test-support/registry-backends.js";

const covering = async (store: SqlRegistryStore, path: string, below = false) =>
  (await store.sourcesCovering(path, { below })).map((s) => `${s.name}/${s.version}:${s.path}`);

forEachBackend("sources covering a path", (h) => {
  test("a version's folder covers itself and everything below it, not its siblings", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m" });
    await store.createModelVersion({ name: "m", source: "mlflow-artifacts:/1/r/artifacts/model" });
    const v1 = ["m/1:1/r/artifacts/model"];
    assert.deepEqual(await covering(store, "1/r/artifacts/model"), v1);
    assert.deepEqual(await covering(store, "1/r/artifacts/model/MLmodel"), v1);
    assert.deepEqual(await covering(store, "1/r/artifacts/model/sub/faults.json"), v1);
    assert.deepEqual(await covering(store, "1/r/artifacts/model2/MLmodel"), []);
    assert.deepEqual(await covering(store, "1/r/artifacts/plot.png"), []);
    assert.deepEqual(await covering(store, "1/r/artifacts"), []);
  });

  test("with below, a folder holding a version's package is covered too (deleting it would remove the files)", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m" });
    await store.createModelVersion({ name: "m", source: "mlflow-artifacts:/1/r/artifacts/model" });
    const v1 = ["m/1:1/r/artifacts/model"];
    assert.deepEqual(await covering(store, "1/r", true), v1);
    assert.deepEqual(await covering(store, "1", true), v1);
    assert.deepEqual(await covering(store, "", true), v1);
    assert.deepEqual(await covering(store, "1/r/artifacts/model/MLmodel", true), v1);
    assert.deepEqual(await covering(store, "1/r2", true), []);
    // A prefix of a segment is not a parent folder ("1/r" does not hold "1/rr/...").
    await store.createModelVersion({ name: "m", source: "mlflow-artifacts:/1/rr/artifacts/model" });
    assert.deepEqual(await covering(store, "1/r", true), v1);
  });

  test("the storage location wins over the source; other schemes and deleted versions cover nothing", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "a" });
    await store.createRegisteredModel({ name: "b" });
    await store.createModelVersion({
      name: "a",
      source: "runs:/r/model",
      storageLocation: "mlflow-artifacts:/1/r/artifacts/model",
    });
    await store.createModelVersion({ name: "a", source: "s3://bucket/1/r/artifacts/model" });
    await store.createModelVersion({ name: "b", source: "mlflow-artifacts://host:5000/1/r/artifacts/model/" });
    assert.deepEqual(await covering(store, "1/r/artifacts/model/x"), [
      "a/1:1/r/artifacts/model",
      "b/1:1/r/artifacts/model",
    ]);
    assert.equal(
      await store.getModelVersionDownloadUri({ name: "a", version: "1" }),
      "mlflow-artifacts:/1/r/artifacts/model",
    );
    await store.deleteModelVersion({ name: "a", version: "1" });
    await store.deleteRegisteredModel({ name: "b" });
    assert.deepEqual(await covering(store, "1/r/artifacts/model/x", true), []);
  });

  test("renamed models keep their versions' folders covered; paths with any characters match exactly", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m" });
    await store.createModelVersion({ name: "m", source: "mlflow-artifacts:/x/Ünï cødé 🙂/model" });
    await store.renameRegisteredModel({ name: "m", newName: "n" });
    assert.deepEqual(await covering(store, "x/Ünï cødé 🙂/model/MLmodel"), ["n/1:x/Ünï cødé 🙂/model"]);
    assert.deepEqual(await covering(store, "x/Ünï cødé 🙂", true), ["n/1:x/Ünï cødé 🙂/model"]);
    assert.deepEqual(await covering(store, "x/ünï cødé 🙂", true), []);
    assert.deepEqual(await covering(store, "x/Ünï%", true), []);
  });
});

for (const backend of testBackends()) {
  describe(`registry migration 2 [${backend.name}]`, () => {
    test("existing versions with plain mlflow-artifacts sources get their folder", async () => {
      const { db, drop } = await backend.create();
      try {
        await migrate(db, [...trackingMigrations, ...registryMigrations.filter((m) => m.version === 1)]);
        await db.run("INSERT INTO registered_models (name, creation_time, last_updated_time) VALUES ('m', 1, 1)");
        const insert = `INSERT INTO model_versions (name, version, creation_time, last_updated_time, current_stage,
          source, storage_location, status, deleted) VALUES ('m', ?, 1, 1, 'None', ?, ?, 'READY', ?)`;
        await db.run(insert, [1, "mlflow-artifacts:/1/a/artifacts/model/", null, 0]);
        await db.run(insert, [2, "runs:/b/model", "mlflow-artifacts:/1/b/artifacts/model", 0]);
        await db.run(insert, [3, "s3://bucket/c", null, 0]);
        await db.run(insert, [4, "mlflow-artifacts:/1/d/artifacts/model", null, 1]);
        await migrate(db, [...trackingMigrations, ...registryMigrations]);
        const store = new SqlRegistryStore(db, { clock: new TestClock() });
        assert.deepEqual(await covering(store, "", true), ["m/1:1/a/artifacts/model", "m/2:1/b/artifacts/model"]);
      } finally {
        await drop();
      }
    });
  });
}
