/** The insertion-order migrations number rows written before them in the order they were inserted. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../core/db/database.js";
import { migrate } from "../core/db/migrate.js";
import { testBackends } from "../core/db/test-support/backends.js";
import { registryMigrations } from "../registry/migrations.js";
import { SqlRegistryStore } from "../registry/sql/sql-registry-store.js";
import { trackingMigrations } from "./migrations.js";
import { SqlTrackingStore } from "./sql/sql-tracking-store.js";

const clock = { now: () => 1_700_000_000_000 };
const keys = (kvs: readonly { key: string }[] | undefined) => (kvs ?? []).map((kv) => kv.key);

for (const backend of testBackends()) {
  describe(`insertion-order migrations over existing rows (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;

    before(async () => {
      ({ db, drop } = await backend.create());
      const before = (m: { module: string; version: number }) =>
        m.module === "tracking" ? m.version < 2 : m.version < 3;
      await migrate(db, [...trackingMigrations, ...registryMigrations].filter(before));
      const tracking = new SqlTrackingStore(db, { defaultArtifactRoot: "mlflow-artifacts:", clock });
      await tracking.init();
      // Rows as the schema before the migration held them, inserted out of key order.
      await db.run(
        `INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time, artifact_uri, lifecycle_stage)
         VALUES ('r1', 'r', 0, 'u', 'RUNNING', 1, 'a', 'active'), ('r2', 'r', 0, 'u', 'RUNNING', 1, 'a', 'active')`,
      );
      for (const [run, key] of [
        ["r1", "zeta"],
        ["r2", "b"],
        ["r1", "alpha"],
        ["r2", "a"],
        ["r1", "mid"],
      ]) {
        await db.run("INSERT INTO params (run_uuid, key, value) VALUES (?, ?, 'v')", [run!, key!]);
        await db.run("INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, 'v')", [run!, key!]);
      }
      for (const key of ["team", "area"]) {
        await db.run("INSERT INTO experiment_tags (experiment_id, key, value) VALUES (0, ?, 'v')", [key]);
      }
      await db.run("INSERT INTO registered_models (name, creation_time, last_updated_time) VALUES ('m', 1, 1)");
      await db.run(
        `INSERT INTO model_versions (name, version, creation_time, last_updated_time, current_stage, source, status)
         VALUES ('m', 1, 1, 1, 'None', 's', 'READY')`,
      );
      for (const key of ["owner", "domain"]) {
        await db.run("INSERT INTO registered_model_tags (name, key, value) VALUES ('m', ?, 'v')", [key]);
        await db.run("INSERT INTO model_version_tags (name, version, key, value) VALUES ('m', 1, ?, 'v')", [key]);
      }
      const applied = await migrate(db, [...trackingMigrations, ...registryMigrations]);
      assert.ok(applied.some((m) => m.startsWith("tracking:2 ")));
      assert.ok(applied.some((m) => m.startsWith("registry:3 ")));
    });
    after(async () => drop());

    test("params, run tags and experiment tags keep their insertion order, and new ones go after", async () => {
      const store = new SqlTrackingStore(db, { defaultArtifactRoot: "mlflow-artifacts:", clock });
      await store.logBatch("r1", { params: [{ key: "new", value: "v" }], tags: [{ key: "new", value: "v" }] });
      const r1 = await store.getRun("r1");
      assert.deepEqual(keys(r1.data.params), ["zeta", "alpha", "mid", "new"]);
      assert.deepEqual(keys(r1.data.tags), ["zeta", "alpha", "mid", "new"]);
      assert.deepEqual(keys((await store.getRun("r2")).data.params), ["b", "a"]);
      assert.deepEqual(keys((await store.getExperiment("0")).tags), ["team", "area"]);
    });

    test("registered model and model version tags keep their insertion order", async () => {
      const store = new SqlRegistryStore(db, { clock });
      await store.setRegisteredModelTag({ name: "m", key: "added", value: "v" });
      assert.deepEqual(keys((await store.getRegisteredModel({ name: "m" })).tags), ["owner", "domain", "added"]);
      assert.deepEqual(keys((await store.getModelVersion({ name: "m", version: 1 })).tags), ["owner", "domain"]);
    });
  });
}
