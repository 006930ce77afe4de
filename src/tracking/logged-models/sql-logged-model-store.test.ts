import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testBackends } from "../../core/db/test-support/backends.js";
import type { SqlTrackingStore } from "../sql/sql-tracking-store.js";
import type { StoreFixture } from "./test-support/store-fixture.js";
import { openStore, rejectsWith } from "./test-support/store-fixture.js";

const UNKNOWN = "m-0123456789abcdef0123456789abcdef";

for (const backend of testBackends()) {
  describe(`logged models: store contract (${backend.name})`, () => {
    let f: StoreFixture;
    let store: SqlTrackingStore;
    let exp: string;
    let runId: string;

    before(async () => {
      f = await openStore(backend);
      store = f.store;
      exp = await store.createExperiment({ name: "lm" });
      runId = (await store.createRun({ experimentId: exp })).info.run_id;
    });
    after(() => f.drop());

    test("create: id, PENDING, artifact location under the experiment, params, tags, source run", async () => {
      const m = await store.createLoggedModel({
        experimentId: exp,
        name: "model",
        sourceRunId: runId,
        modelType: "classifier",
        params: [
          { key: "lr", value: "0.1" },
          { key: "depth", value: "3" },
        ],
        tags: [
          { key: "mlflow.user", value: "alice" },
          { key: "t", value: "1" },
          { key: "t", value: "2" },
        ],
      });
      const { info, data } = m;
      assert.match(info.model_id, /^m-[0-9a-f]{32}$/);
      assert.equal(info.experiment_id, exp);
      assert.equal(info.name, "model");
      assert.equal(info.status, "LOGGED_MODEL_PENDING");
      assert.equal(info.artifact_uri, `mlflow-artifacts:/${exp}/models/${info.model_id}/artifacts`);
      assert.equal(info.source_run_id, runId);
      assert.equal(info.model_type, "classifier");
      assert.equal(info.creation_timestamp_ms, info.last_updated_timestamp_ms);
      assert.deepEqual(info.tags, [
        { key: "mlflow.user", value: "alice" },
        { key: "t", value: "2" },
      ]);
      assert.deepEqual(data, {
        params: [
          { key: "depth", value: "3" },
          { key: "lr", value: "0.1" },
        ],
      });
      assert.deepEqual(await store.getLoggedModel(info.model_id), m);
    });

    test("create: a random name, optional fields left out, and refusals naming the field", async () => {
      const m = await store.createLoggedModel({ experimentId: exp });
      assert.match(m.info.name, /^[a-z]+-[a-z]+-\d+$/);
      assert.equal(m.info.source_run_id, undefined);
      assert.equal(m.info.tags, undefined);
      assert.deepEqual(m.data, {});
      await rejectsWith(store.createLoggedModel({ experimentId: "999" }), "RESOURCE_DOES_NOT_EXIST");
      await rejectsWith(store.createLoggedModel({ experimentId: exp, name: "a/b" }), "INVALID_PARAMETER_VALUE", /name/);
      await rejectsWith(
        store.createLoggedModel({ experimentId: exp, sourceRunId: "f".repeat(32) }),
        "RESOURCE_DOES_NOT_EXIST",
        /source_run_id/,
      );
      await rejectsWith(
        store.createLoggedModel({
          experimentId: exp,
          params: [
            { key: "a", value: "1" },
            { key: "a", value: "2" },
          ],
        }),
        "INVALID_PARAMETER_VALUE",
        /'a'/,
      );
      await rejectsWith(
        store.createLoggedModel({ experimentId: exp, tags: [{ key: "../x", value: "1" }] }),
        "INVALID_PARAMETER_VALUE",
      );
      const gone = await store.createExperiment({ name: "lm-deleted" });
      await store.deleteExperiment(gone);
      await rejectsWith(store.createLoggedModel({ experimentId: gone }), "INVALID_PARAMETER_VALUE", /active/);
    });

    test("finalize READY or UPLOAD_FAILED moves last_updated; unknown ids are RESOURCE_DOES_NOT_EXIST", async () => {
      const m = await store.createLoggedModel({ experimentId: exp, name: "fin" });
      const ready = await store.finalizeLoggedModel(m.info.model_id, "LOGGED_MODEL_READY");
      assert.equal(ready.info.status, "LOGGED_MODEL_READY");
      assert.ok(ready.info.last_updated_timestamp_ms > m.info.last_updated_timestamp_ms);
      const failed = await store.finalizeLoggedModel(m.info.model_id, "LOGGED_MODEL_UPLOAD_FAILED");
      assert.equal(failed.info.status, "LOGGED_MODEL_UPLOAD_FAILED");
      await rejectsWith(
        store.finalizeLoggedModel(m.info.model_id, "LOGGED_MODEL_PENDING" as "LOGGED_MODEL_READY"),
        "INVALID_PARAMETER_VALUE",
        /status/,
      );
      await rejectsWith(store.finalizeLoggedModel(UNKNOWN, "LOGGED_MODEL_READY"), "RESOURCE_DOES_NOT_EXIST");
      await rejectsWith(store.getLoggedModel(UNKNOWN), "RESOURCE_DOES_NOT_EXIST", /m-0123/);
    });

    test("tags: set (upsert), delete, delete of a missing tag", async () => {
      const { info } = await store.createLoggedModel({ experimentId: exp, tags: [{ key: "a", value: "1" }] });
      const id = info.model_id;
      const after = await store.setLoggedModelTags(id, [
        { key: "a", value: "2" },
        { key: "mlflow.modelVersions", value: '[{"name": "m3", "version": "1"}]' },
      ]);
      assert.deepEqual(after.info.tags, [
        { key: "a", value: "2" },
        { key: "mlflow.modelVersions", value: '[{"name": "m3", "version": "1"}]' },
      ]);
      await store.deleteLoggedModelTag(id, "a");
      assert.deepEqual(
        (await store.getLoggedModel(id)).info.tags?.map((t) => t.key),
        ["mlflow.modelVersions"],
      );
      await rejectsWith(store.deleteLoggedModelTag(id, "a"), "RESOURCE_DOES_NOT_EXIST", /'a'/);
      await rejectsWith(store.setLoggedModelTags(UNKNOWN, [{ key: "a", value: "1" }]), "RESOURCE_DOES_NOT_EXIST");
      await rejectsWith(
        store.setLoggedModelTags(id, [{ key: "a", value: "x".repeat(9000) }]),
        "INVALID_PARAMETER_VALUE",
      );
    });

    test("params: write-once, the same value again is a no-op", async () => {
      const { info } = await store.createLoggedModel({ experimentId: exp, params: [{ key: "lr", value: "0.1" }] });
      await store.logLoggedModelParams(info.model_id, [
        { key: "lr", value: "0.1" },
        { key: "seed", value: "7" },
      ]);
      assert.deepEqual((await store.getLoggedModel(info.model_id)).data.params, [
        { key: "lr", value: "0.1" },
        { key: "seed", value: "7" },
      ]);
      await rejectsWith(
        store.logLoggedModelParams(info.model_id, [{ key: "lr", value: "0.2" }]),
        "INVALID_PARAMETER_VALUE",
        /Changing param values/,
      );
      await rejectsWith(store.logLoggedModelParams(UNKNOWN, []), "RESOURCE_DOES_NOT_EXIST");
    });

    test("delete is soft: get and later changes see no model; deleting twice is RESOURCE_DOES_NOT_EXIST", async () => {
      const { info } = await store.createLoggedModel({ experimentId: exp, name: "doomed" });
      await store.deleteLoggedModel(info.model_id);
      await rejectsWith(store.getLoggedModel(info.model_id), "RESOURCE_DOES_NOT_EXIST");
      await rejectsWith(store.deleteLoggedModel(info.model_id), "RESOURCE_DOES_NOT_EXIST");
      await rejectsWith(store.finalizeLoggedModel(info.model_id, "LOGGED_MODEL_READY"), "RESOURCE_DOES_NOT_EXIST");
      const row = await f.db.get<{ lifecycle_stage: string }>(
        "SELECT lifecycle_stage FROM logged_models WHERE model_id = ?",
        [info.model_id],
      );
      assert.equal(row?.lifecycle_stage, "deleted");
    });

    test("metrics with model_id: the run's metric and the model's (every point, dataset kept)", async () => {
      const { info } = await store.createLoggedModel({ experimentId: exp, name: "scored" });
      const id = info.model_id;
      const point = { key: "acc", timestamp: 10, step: 1, modelId: id };
      await store.logBatch(runId, {
        metrics: [
          { ...point, value: 0.8, datasetName: "test", datasetDigest: "d1" },
          { ...point, value: 0.8, datasetName: "test", datasetDigest: "d1" },
          { key: "acc", value: 0.9, timestamp: 20, step: 2, modelId: id },
          { key: "loss", value: Number.NaN, timestamp: 20, modelId: id },
          { key: "plain", value: 1, timestamp: 20 },
        ],
      });
      // The same point logged again (log-metric retried) stays one point.
      await store.logBatch(runId, { metrics: [{ ...point, value: 0.8 }] });
      const { data } = await store.getLoggedModel(id);
      assert.deepEqual(data.metrics, [
        {
          key: "acc",
          value: 0.8,
          timestamp: 10,
          step: 1,
          run_id: runId,
          model_id: id,
          dataset_name: "test",
          dataset_digest: "d1",
        },
        { key: "acc", value: 0.9, timestamp: 20, step: 2, run_id: runId, model_id: id },
        { key: "loss", value: "NaN", timestamp: 20, step: 0, run_id: runId, model_id: id },
      ]);
      const run = await store.getRun(runId);
      assert.deepEqual(
        run.data.metrics?.map((m) => m.key),
        ["acc", "loss", "plain"],
      );
      await rejectsWith(
        store.logBatch(runId, { metrics: [{ key: "acc", value: 1, timestamp: 1, modelId: UNKNOWN }] }),
        "RESOURCE_DOES_NOT_EXIST",
        /m-0123/,
      );
    });

    test("run outputs and model inputs: in order, deduplicated, on the run; runs without links unchanged", async () => {
      const a = (await store.createLoggedModel({ experimentId: exp, name: "out-a" })).info.model_id;
      const b = (await store.createLoggedModel({ experimentId: exp, name: "out-b" })).info.model_id;
      const { info } = await store.createRun({ experimentId: exp });
      const plain = await store.getRun(info.run_id);
      assert.equal(plain.outputs, undefined);
      assert.deepEqual(plain.inputs, {});
      await store.logOutputs(info.run_id, [{ modelId: b, step: 0 }]);
      await store.logOutputs(info.run_id, [
        { modelId: a, step: 3 },
        { modelId: b, step: 0 },
      ]);
      await store.logModelInputs(info.run_id, [a, a, "m-from-elsewhere"]);
      const run = await store.getRun(info.run_id);
      assert.deepEqual(run.outputs, {
        model_outputs: [
          { model_id: b, step: 0 },
          { model_id: a, step: 3 },
        ],
      });
      assert.deepEqual(run.inputs.model_inputs, [{ model_id: a }, { model_id: "m-from-elsewhere" }]);
      const [found] = (await store.searchRuns({ experimentIds: [exp], filter: `run_id = '${info.run_id}'` })).items;
      assert.deepEqual(found?.outputs, run.outputs);
      await rejectsWith(store.logOutputs(info.run_id, [{ modelId: UNKNOWN, step: 0 }]), "RESOURCE_DOES_NOT_EXIST");
      await rejectsWith(store.logOutputs("f".repeat(32), [{ modelId: a, step: 0 }]), "RESOURCE_DOES_NOT_EXIST");
      await store.deleteRun(info.run_id);
      await rejectsWith(store.logModelInputs(info.run_id, [a]), "INVALID_PARAMETER_VALUE", /active/);
    });
  });
}
