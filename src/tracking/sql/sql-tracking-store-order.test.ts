/**
 * Contract: what MLflow 2.x's SQL store does that a client can see in the order of things —
 * params, tags and metrics listed as first logged, and a re-logged dataset keeping its first tags.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { DatasetInput, KeyValue } from "../../core/api/mlflow-entities.js";
import type { Clock } from "../../core/clock.js";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { testBackends } from "../../core/db/test-support/backends.js";
import { registryMigrations } from "../../registry/migrations.js";
import { trackingMigrations } from "../migrations.js";
import { SqlTrackingStore } from "./sql-tracking-store.js";

const keys = (kvs: readonly { key: string }[] | undefined) => (kvs ?? []).map((kv) => kv.key);

for (const backend of testBackends()) {
  describe(`SqlTrackingStore order and inputs (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlTrackingStore;
    let time = 1_700_000_000_000;
    const clock: Clock = { now: () => ++time };

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, [...trackingMigrations, ...registryMigrations]);
      store = new SqlTrackingStore(db, { defaultArtifactRoot: "mlflow-artifacts:", clock });
      await store.init();
    });
    after(async () => drop());

    test("params, tags and metrics come back in the order first logged, in get and search", async () => {
      const tags: KeyValue[] = [
        { key: "mlflow.user", value: "u" },
        { key: "zeta", value: "1" },
      ];
      const { info } = await store.createRun({ experimentId: "0", tags });
      const id = info.run_id;
      await store.logBatch(id, {
        params: [
          { key: "lr", value: "0.1" },
          { key: "depth", value: "3" },
        ],
        metrics: [
          { key: "loss", value: 1, timestamp: 1 },
          { key: "auc", value: 0.5, timestamp: 1 },
        ],
        tags: [
          { key: "stage", value: "a" },
          { key: "alpha", value: "a" },
          { key: "stage", value: "b" },
        ],
      });
      await store.logBatch(id, {
        params: [
          { key: "lr", value: "0.1" },
          { key: "batch", value: "32" },
        ],
      });
      await store.logBatch(id, { metrics: [{ key: "accuracy", value: 0.9, timestamp: 2 }] });
      await store.logBatch(id, { metrics: [{ key: "loss", value: 0.5, timestamp: 3 }] });
      // Overwriting keeps the place; a rename rewrites mlflow.runName where it was.
      await store.logBatch(id, { tags: [{ key: "zeta", value: "2" }] });
      await store.updateRun(id, { runName: "renamed" });
      await store.deleteTag(id, "alpha");
      await store.logBatch(id, { tags: [{ key: "alpha", value: "again" }] });

      const run = await store.getRun(id);
      assert.deepEqual(keys(run.data.params), ["lr", "depth", "batch"]);
      assert.deepEqual(keys(run.data.tags), ["mlflow.user", "zeta", "mlflow.runName", "stage", "alpha"]);
      assert.deepEqual(run.data.tags?.[1], { key: "zeta", value: "2" });
      assert.deepEqual(run.data.tags?.[2], { key: "mlflow.runName", value: "renamed" });
      assert.deepEqual(run.data.tags?.[3], { key: "stage", value: "b" });
      assert.deepEqual(keys(run.data.metrics), ["loss", "auc", "accuracy"]);
      const [found] = (await store.searchRuns({ experimentIds: ["0"], filter: `attributes.run_id = '${id}'` })).items;
      assert.deepEqual(found?.data, run.data);
    });

    test("experiment tags come back in the order set, in get, get-by-name and search", async () => {
      const expId = await store.createExperiment({
        name: "ordered",
        tags: [
          { key: "team", value: "t" },
          { key: "area", value: "a" },
        ],
      });
      await store.setExperimentTag(expId, "note", "n");
      await store.setExperimentTag(expId, "team", "t2");
      await store.deleteExperimentTag(expId, "area");
      await store.setExperimentTag(expId, "area", "a2");
      const e = await store.getExperiment(expId);
      assert.deepEqual(e.tags, [
        { key: "team", value: "t2" },
        { key: "note", value: "n" },
        { key: "area", value: "a2" },
      ]);
      assert.deepEqual((await store.getExperimentByName("ordered"))?.tags, e.tags);
      assert.deepEqual((await store.searchExperiments({ filter: "name = 'ordered'" })).items[0]?.tags, e.tags);
    });

    test("a dataset re-logged with another context keeps the first one, as MLflow", async () => {
      const { info } = await store.createRun({ experimentId: "0" });
      const dataset = { name: "telco", digest: "d1", source_type: "local", source: "file:///a.csv" };
      const input = (context: string, extra: KeyValue[] = []): DatasetInput => ({
        dataset,
        tags: [{ key: "mlflow.data.context", value: context }, ...extra],
      });
      await store.logInputs(info.run_id, [input("training")]);
      // Another context, an extra tag and other dataset fields: all ignored for a linked dataset.
      await store.logInputs(info.run_id, [
        { ...input("eval", [{ key: "x", value: "y" }]), dataset: { ...dataset, source: "file:///b.csv" } },
      ]);
      // In one request, the first of a name and digest wins too.
      const other = { ...dataset, digest: "d2" };
      await store.logInputs(info.run_id, [
        { dataset: other, tags: [{ key: "mlflow.data.context", value: "validation" }] },
        { dataset: other, tags: [{ key: "mlflow.data.context", value: "test" }] },
      ]);
      const inputs = (await store.getRun(info.run_id)).inputs.dataset_inputs ?? [];
      assert.deepEqual(inputs, [
        { dataset, tags: [{ key: "mlflow.data.context", value: "training" }] },
        { dataset: other, tags: [{ key: "mlflow.data.context", value: "validation" }] },
      ]);
      const filter = (context: string) => `datasets.context = '${context}' AND attributes.run_id = '${info.run_id}'`;
      for (const [context, n] of [
        ["training", 1],
        ["eval", 0],
        ["validation", 1],
        ["test", 0],
      ] as const) {
        assert.equal((await store.searchRuns({ experimentIds: ["0"], filter: filter(context) })).items.length, n);
      }
    });

    test("rows written before the insertion-order migration keep a stable order", async () => {
      const { info } = await store.createRun({ experimentId: "0" });
      // As the migration leaves rows it could not number: seq 0, listed first, by key.
      await db.run("INSERT INTO params (run_uuid, key, value, seq) VALUES (?, 'b', '1', 0), (?, 'a', '1', 0)", [
        info.run_id,
        info.run_id,
      ]);
      await store.logBatch(info.run_id, { params: [{ key: "c", value: "1" }] });
      assert.deepEqual(keys((await store.getRun(info.run_id)).data.params), ["a", "b", "c"]);
    });
  });
}
