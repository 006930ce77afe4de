/**
 * Replays what the MLflow 3.6 Python client sends for `mlflow.sklearn.log_model(m, name="model")`
 * inside a run (shared/reference/mlflow3-logged-models.md), then reads the result back the ways the
 * client does: by id, by name and source run, the run's outputs, the model's artifacts and metrics.
 * On SQLite, and on PostgreSQL when MODELWORKS_TEST_POSTGRES_URI is set.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { LoggedModel } from "../../src/core/api/logged-model-entities.js";
import type { Experiment, FileInfo, Metric, Run } from "../../src/core/api/mlflow-entities.js";
import { Wire } from "./support/client.js";
import type { Harness } from "./support/harness.js";
import { harnessBackends } from "./support/harness.js";
import * as py from "./support/python-client.js";
import * as py3 from "./support/python3-client.js";

const T0 = 1_700_000_000_000;

for (const backend of harnessBackends({ s3: true })) {
  describe(`MLflow 3 client: log_model over HTTP (${backend.name})`, () => {
    let h: Harness;
    let w: Wire;
    let exp: Experiment;
    let run: Run;
    let model: LoggedModel;

    before(async () => {
      h = await backend.start();
      w = new Wire(h.send);
      exp = await py.setExperiment(w, "mlflow3");
      run = await py.startRun(w, exp.experiment_id, "train", T0);
      await py.logBatch(w, run.info.run_id, { params: [{ key: "C", value: "0.5" }] });
      run = (await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_id: run.info.run_id })).run;
    });
    after(() => h.close());

    test("search → create → runs/outputs → get → artifact PUTs → finalize", async () => {
      const first = await py3.searchLoggedModels(w, { experiment_ids: [exp.experiment_id], filter: "name = 'model'" });
      assert.deepEqual(first, {});
      model = await py3.logModel(w, run, "model");
      const { info, data } = model;
      assert.match(info.model_id, /^m-[0-9a-f]{32}$/);
      assert.equal(info.status, "LOGGED_MODEL_READY");
      assert.equal(info.name, "model");
      assert.equal(info.experiment_id, exp.experiment_id);
      assert.equal(info.source_run_id, run.info.run_id);
      assert.equal(info.artifact_uri, `mlflow-artifacts:/${exp.experiment_id}/models/${info.model_id}/artifacts`);
      assert.deepEqual(data.params, [{ key: "C", value: "0.5" }]);
      assert.deepEqual(
        info.tags?.map((t) => t.key),
        ["mlflow.source.name", "mlflow.source.type", "mlflow.user"],
      );
      assert.ok(info.last_updated_timestamp_ms >= info.creation_timestamp_ms);
    });

    test("the model's files: listed by logged-models/<id>/artifacts/directories and the artifact API, byte-identical", async () => {
      const id = model.info.model_id;
      const listing = await w.ok<{ root_uri: string; files: FileInfo[] }>(
        "GET",
        `/mlflow/logged-models/${id}/artifacts/directories`,
        { model_id: id },
      );
      assert.equal(listing.root_uri, model.info.artifact_uri);
      assert.deepEqual(listing.files.map((f) => f.path).sort(), py3.SKLEARN_MODEL_FILES.map(([p]) => p).sort());
      const pkl = listing.files.find((f) => f.path === "model.pkl");
      assert.deepEqual(pkl, { path: "model.pkl", is_dir: false, file_size: 8 });
      const root = model.info.artifact_uri.replace(/^mlflow-artifacts:\//, "");
      for (const [path, , bytes] of py3.SKLEARN_MODEL_FILES) {
        const res = await h.send({ method: "GET", url: `/api/2.0/mlflow-artifacts/artifacts/${root}/${path}` });
        assert.equal(res.status, 200, path);
        assert.ok(res.raw.equals(bytes), `${path} differs`);
      }
      const none = await w.ok("GET", `/mlflow/logged-models/${id}/artifacts/directories`, {
        artifact_directory_path: "nothing-here",
      });
      assert.deepEqual(none, { root_uri: model.info.artifact_uri });
    });

    test("runs/get returns outputs.model_outputs; runs/search too", async () => {
      const got = await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_id: run.info.run_id });
      assert.deepEqual(got.run.outputs, { model_outputs: [{ model_id: model.info.model_id, step: 0 }] });
      assert.equal(got.run.inputs.model_inputs, undefined);
      const found = await w.ok<{ runs: Run[] }>("POST", "/mlflow/runs/search", { experiment_ids: [exp.experiment_id] });
      assert.deepEqual(found.runs[0]?.outputs, got.run.outputs);
    });

    test("found by name, and by source run and name (how runs:/RUN/model resolves)", async () => {
      const byName = await py3.searchLoggedModels(w, {
        experiment_ids: [exp.experiment_id],
        filter: "name = 'model'",
      });
      assert.deepEqual(byName.models, [model]);
      const byRun = await py3.searchLoggedModels(w, {
        experiment_ids: [exp.experiment_id],
        filter: `source_run_id = '${run.info.run_id}' AND name = 'model'`,
        max_results: 1,
      });
      assert.deepEqual(
        byRun.models?.map((m) => m.info.model_id),
        [model.info.model_id],
      );
    });

    test("step 8: tags set after registration; GET shows them", async () => {
      const value = '[{"name": "m3", "version": "1"}]';
      const tagged = await py3.setLoggedModelTags(w, model.info.model_id, [{ key: "mlflow.modelVersions", value }]);
      assert.equal(tagged.info.tags?.find((t) => t.key === "mlflow.modelVersions")?.value, value);
      assert.deepEqual((await py3.getLoggedModel(w, model.info.model_id)).info.tags, tagged.info.tags);
    });

    test("metrics with model_id and dataset on log-metric and log-batch land in the model's data.metrics", async () => {
      const id = model.info.model_id;
      const runId = run.info.run_id;
      await w.ok("POST", "/mlflow/runs/log-metric", {
        run_id: runId,
        key: "accuracy",
        value: 0.91,
        timestamp: T0 + 1,
        step: 0,
        model_id: id,
        dataset_name: "eval",
        dataset_digest: "abc123",
      });
      await py.logBatch(w, runId, {
        metrics: [
          { key: "f1", value: "0.8", timestamp: T0 + 2, step: 1, model_id: id },
          { key: "plain", value: 1, timestamp: T0 + 2 },
        ],
      });
      const { data } = await py3.getLoggedModel(w, id);
      assert.deepEqual(data.metrics, [
        {
          key: "accuracy",
          value: 0.91,
          timestamp: T0 + 1,
          step: 0,
          run_id: runId,
          model_id: id,
          dataset_name: "eval",
          dataset_digest: "abc123",
        },
        { key: "f1", value: 0.8, timestamp: T0 + 2, step: 1, run_id: runId, model_id: id },
      ]);
      // The run keeps them as its own metrics too; its history has MLflow's 2.x shape.
      const history = await w.ok<{ metrics: Metric[] }>("GET", "/mlflow/metrics/get-history", {
        run_id: runId,
        metric_key: "accuracy",
      });
      assert.deepEqual(history.metrics, [{ key: "accuracy", value: 0.91, timestamp: T0 + 1, step: 0 }]);
      const ranked = await py3.searchLoggedModels(w, {
        experiment_ids: [exp.experiment_id],
        filter: "metrics.accuracy > 0.9",
        datasets: [{ dataset_name: "eval", dataset_digest: "abc123" }],
      });
      assert.equal(ranked.models?.length, 1);
    });

    test("log-inputs with models: runs/get returns inputs.model_inputs", async () => {
      const evalRun = await py.startRun(w, exp.experiment_id, "evaluate", T0 + 10);
      await w.ok("POST", "/mlflow/runs/log-inputs", {
        run_id: evalRun.info.run_id,
        datasets: [],
        models: [{ model_id: model.info.model_id }],
      });
      const got = await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_id: evalRun.info.run_id });
      assert.deepEqual(got.run.inputs, { model_inputs: [{ model_id: model.info.model_id }] });
      assert.equal(got.run.outputs, undefined);
    });

    test("the /ajax-api/2.0 prefix serves the same answers", async () => {
      const ajax = new Wire(h.send, "/ajax-api/2.0");
      const id = model.info.model_id;
      assert.deepEqual(await py3.getLoggedModel(ajax, id), await py3.getLoggedModel(w, id));
    });
  });
}
