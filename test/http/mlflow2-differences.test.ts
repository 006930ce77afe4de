/**
 * The four places where modelworks once answered the MLflow 2.x client differently from MLflow
 * 2.12, through the real app, on SQLite and (when MODELWORKS_TEST_POSTGRES_URI is set) PostgreSQL:
 * stage names in any case, a re-logged dataset's first context, extra ANDs in filters, and params
 * and tags in the order logged.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Experiment, ModelVersion, RegisteredModel, Run } from "../../src/core/api/mlflow-entities.js";
import { testBackends } from "../../src/core/db/test-support/backends.js";
import { expectError, Wire } from "./support/client.js";
import type { Harness } from "./support/harness.js";
import { startHarness } from "./support/harness.js";
import * as py from "./support/python-client.js";

const T0 = 1_700_000_000_000;
const keys = (kvs: readonly { key: string }[] | undefined) => (kvs ?? []).map((kv) => kv.key);

for (const backend of testBackends()) {
  describe(`MLflow 2.x differences, settled (${backend.name})`, () => {
    let h: Harness;
    let w: Wire;
    let dropDb: () => Promise<void> = async () => {};
    let experimentId: string;
    let runId: string;

    before(async () => {
      let store: string | undefined;
      if (backend.name === "postgres") ({ uri: store, drop: dropDb } = await backend.create());
      h = await startHarness(store === undefined ? {} : { store });
      w = new Wire(h.send);
      experimentId = (await py.setExperiment(w, "diffs")).experiment_id;
      runId = (await py.startRun(w, experimentId, "diff-run", T0)).info.run_id;
    });
    after(async () => {
      await h.close();
      await dropDb();
    });

    test("transition-stage takes staging, production, archived and none in any case", async () => {
      await py.logArtifact(w, runId, "model/MLmodel", Buffer.from("flavors: {}\n"), "text/plain");
      await py.registerModel(w, runId, "model", "staged");
      await py.registerModel(w, runId, "model", "staged");
      const transition = (version: string, stage: string, archive = false) =>
        w.post<{ model_version: ModelVersion }>("/mlflow/model-versions/transition-stage", {
          name: "staged",
          version,
          stage,
          archive_existing_versions: archive,
        });
      for (const [stage, canonical] of [
        ["staging", "Staging"],
        ["PRODUCTION", "Production"],
        ["archived", "Archived"],
        ["nOnE", "None"],
        ["Production", "Production"],
      ]) {
        const res = await transition("1", stage!);
        assert.equal(res.status, 200, res.text);
        assert.equal(res.json.model_version.current_stage, canonical);
      }
      // archive_existing_versions compares canonical names: version 1 (Production) is archived.
      const moved = await transition("2", "production", true);
      assert.equal(moved.json.model_version.current_stage, "Production");
      const v1 = await w.ok<{ model_version: ModelVersion }>("GET", "/mlflow/model-versions/get", {
        name: "staged",
        version: "1",
      });
      assert.equal(v1.model_version.current_stage, "Archived");
      const latest = await w.ok<{ model_versions: ModelVersion[] }>(
        "POST",
        "/mlflow/registered-models/get-latest-versions",
        { name: "staged", stages: ["production"] },
      );
      assert.deepEqual(
        latest.model_versions.map((v) => v.version),
        ["2"],
      );
      for (const bad of ["prod", " staging", "Deleted_Internal", ""]) {
        expectError(
          await transition("1", bad),
          400,
          "INVALID_PARAMETER_VALUE",
          /'stage'.*None, Staging, Production, Archived/,
        );
      }
    });

    test("a dataset re-logged with another context keeps the first, in runs/get and in search", async () => {
      const dataset = { name: "telco", digest: "abc", source_type: "local", source: "file:///telco.csv" };
      const context = (value: string) => [{ key: "mlflow.data.context", value }];
      await w.ok("POST", "/mlflow/runs/log-inputs", { run_id: runId, datasets: [{ dataset, tags: context("train") }] });
      await w.ok("POST", "/mlflow/runs/log-inputs", { run_id: runId, datasets: [{ dataset, tags: context("eval") }] });
      const { run } = await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_id: runId });
      assert.deepEqual(run.inputs.dataset_inputs, [{ dataset, tags: context("train") }]);
      const search = (filter: string) =>
        w.ok<{ runs?: Run[] }>("POST", "/mlflow/runs/search", { experiment_ids: [experimentId], filter });
      assert.equal((await search("datasets.context = 'train'")).runs?.length, 1);
      assert.equal((await search("datasets.context = 'eval'")).runs, undefined);
    });

    test("a filter with extra ANDs is accepted by every search; a missing AND or OR is still 400", async () => {
      await py.logMetric(w, runId, "auc", 0.9, T0);
      const runs = await w.ok<{ runs?: Run[] }>("POST", "/mlflow/runs/search", {
        experiment_ids: [experimentId],
        filter: "metrics.auc > 0.8 and",
      });
      assert.deepEqual(
        runs.runs?.map((r) => r.info.run_id),
        [runId],
      );
      const leading = await w.ok<{ runs?: Run[] }>("POST", "/mlflow/runs/search", {
        experiment_ids: [experimentId],
        filter: "AND metrics.auc > 0.8 AND AND params.missing = 'x'",
      });
      assert.equal(leading.runs, undefined);
      const exps = await w.ok<{ experiments?: Experiment[] }>("POST", "/mlflow/experiments/search", {
        filter: "name = 'diffs' AND",
      });
      assert.deepEqual(
        exps.experiments?.map((e) => e.name),
        ["diffs"],
      );
      const models = await w.ok<{ registered_models?: RegisteredModel[] }>("GET", "/mlflow/registered-models/search", {
        filter: "and name = 'staged' and",
      });
      assert.deepEqual(
        models.registered_models?.map((m) => m.name),
        ["staged"],
      );
      const versions = await w.ok<{ model_versions?: ModelVersion[] }>("GET", "/mlflow/model-versions/search", {
        filter: `name = 'staged' AND run_id IN ('${runId}') AND`,
      });
      assert.equal(versions.model_versions?.length, 2);
      const all = await w.ok<{ experiments?: Experiment[] }>("POST", "/mlflow/experiments/search", { filter: "AND" });
      assert.ok((all.experiments?.length ?? 0) >= 2);
      for (const filter of [
        "metrics.auc > 0.8 metrics.auc < 1",
        "metrics.auc > 0.8 AND OR",
        "metrics.auc > 0.8 and;",
      ]) {
        const res = await w.post("/mlflow/runs/search", { experiment_ids: [experimentId], filter });
        expectError(res, 400, "INVALID_PARAMETER_VALUE", /filter/);
      }
    });

    test("params and tags come back in the order logged: runs, experiments, models, versions", async () => {
      const { info } = await py.startRun(w, experimentId, "ordered", T0);
      const id = info.run_id;
      await py.logParam(w, id, "n_estimators", 100);
      await py.logBatch(w, id, {
        params: [
          { key: "max_depth", value: "5" },
          { key: "learning_rate", value: "0.1" },
        ],
        tags: [{ key: "team", value: "a" }],
      });
      await py.setTag(w, id, "estimator", "gbdt");
      await py.setTag(w, id, "team", "b");
      const { run } = await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_id: id });
      assert.deepEqual(keys(run.data.params), ["n_estimators", "max_depth", "learning_rate"]);
      const runTags = [
        "mlflow.user",
        "mlflow.source.name",
        "mlflow.source.type",
        "mlflow.runName",
        "team",
        "estimator",
      ];
      assert.deepEqual(keys(run.data.tags), runTags);
      const found = await w.ok<{ runs: Run[] }>("POST", "/mlflow/runs/search", {
        experiment_ids: [experimentId],
        filter: `attributes.run_id = '${id}'`,
      });
      assert.deepEqual(found.runs[0]?.data, run.data);

      await w.ok("POST", "/mlflow/experiments/set-experiment-tag", {
        experiment_id: experimentId,
        key: "z",
        value: "1",
      });
      await w.ok("POST", "/mlflow/experiments/set-experiment-tag", {
        experiment_id: experimentId,
        key: "a",
        value: "1",
      });
      const exp = await w.ok<{ experiment: Experiment }>("GET", "/mlflow/experiments/get", {
        experiment_id: experimentId,
      });
      assert.deepEqual(keys(exp.experiment.tags), ["z", "a"]);

      await w.ok("POST", "/mlflow/registered-models/set-tag", { name: "staged", key: "z", value: "1" });
      await w.ok("POST", "/mlflow/registered-models/set-tag", { name: "staged", key: "a", value: "1" });
      const model = await w.ok<{ registered_model: RegisteredModel }>("GET", "/mlflow/registered-models/get", {
        name: "staged",
      });
      assert.deepEqual(keys(model.registered_model.tags), ["z", "a"]);
      const mvTag = (key: string) => ({ name: "staged", version: "1", key, value: "1" });
      await w.ok("POST", "/mlflow/model-versions/set-tag", mvTag("z"));
      await w.ok("POST", "/mlflow/model-versions/set-tag", mvTag("a"));
      const mv = await w.ok<{ model_versions: ModelVersion[] }>("GET", "/mlflow/model-versions/search", {
        filter: "name = 'staged' AND version_number = 1",
      });
      assert.deepEqual(keys(mv.model_versions[0]?.tags), ["z", "a"]);
    });
  });
}
