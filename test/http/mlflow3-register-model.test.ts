/**
 * Replays what the MLflow 3.6 Python client sends for
 * `mlflow.sklearn.log_model(m, name="model", registered_model_name="m3")` and then for
 * `mlflow.pyfunc.load_model("models:/m3/1")` (shared/reference/mlflow3-logged-models.md, steps 1–8
 * and the loading sequence), through the real app, with a model package the platform can load:
 * the version keeps the logged model's id, its run and `models:/m-…` source, resolves to the logged
 * model's files, and loads and predicts. On SQLite, and on PostgreSQL when MODELWORKS_TEST_POSTGRES_URI is set.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { LoggedModel } from "../../src/core/api/logged-model-entities.js";
import type { Experiment, ModelVersion, Run } from "../../src/core/api/mlflow-entities.js";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import type { Table } from "../../src/data/table.js";
import { predictorFor } from "../../src/learn/package/load-model.js";
import type { ModelPackage } from "../../src/learn/package/model-package.js";
import { writeModelPackage } from "../../src/learn/package/model-package.js";
import { fitModel } from "../../src/learn/train/fit-model.js";
import { resolveParams } from "../../src/learn/train/train-params.js";
import { resolveModel } from "../../src/serving/model-resolver.js";
import { expectError, expectOk, Wire } from "./support/client.js";
import type { Harness } from "./support/harness.js";
import { harnessBackends } from "./support/harness.js";
import * as py from "./support/python-client.js";
import * as py3 from "./support/python3-client.js";

const T0 = 1_700_000_000_000;
const ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";

let table: Table;
let pkg: ModelPackage;
let files: [string, string, Buffer][];

before(async () => {
  table = await readTable(TELCO_CSV);
  pkg = (await fitModel(table, { label: "Churn", algo: "linear", params: resolveParams("linear", []), seed: 1 }))
    .package;
  const dir = await mkdtemp(join(tmpdir(), "mw-mlflow3-pkg-"));
  const names = await writeModelPackage(dir, pkg);
  files = await Promise.all(
    names.map(
      async (f): Promise<[string, string, Buffer]> => [f, "application/octet-stream", await readFile(join(dir, f))],
    ),
  );
  await rm(dir, { recursive: true, force: true });
});

for (const backend of harnessBackends()) {
  describe(`MLflow 3 client: log_model with registered_model_name, then load_model (${backend.name})`, () => {
    let h: Harness;
    let w: Wire;
    let exp: Experiment;
    let run: Run;
    let model: LoggedModel;
    let v1: ModelVersion;

    before(async () => {
      h = await backend.start();
      w = new Wire(h.send);
      exp = await py.setExperiment(w, "mlflow3-registry");
      run = await py.startRun(w, exp.experiment_id, "train", T0);
      run = (await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_id: run.info.run_id })).run;
    });
    after(() => h.close());

    test("steps 1–8: the version keeps the logged model's id and source, and takes its run", async () => {
      model = await py3.logModel(w, run, "model", files);
      v1 = await py3.registerLoggedModel(w, model, "m3");
      const id = model.info.model_id;
      assert.equal(v1.version, "1");
      assert.equal(v1.model_id, id);
      assert.equal(v1.source, `models:/${id}`);
      assert.equal(v1.run_id, run.info.run_id, "run_id from the logged model's source_run_id");
      assert.equal(v1.status, "READY");
      const tags = (await py3.getLoggedModel(w, id)).info.tags ?? [];
      assert.equal(tags.find((t) => t.key === "mlflow.modelVersions")?.value, '[{"name": "m3", "version": "1"}]');
    });

    test("load_model('models:/m3/1'): the download URI is the logged model's artifacts, byte-identical", async () => {
      const loaded = await py3.loadModelVersion(w, "m3", "1");
      assert.deepEqual(loaded.version, v1);
      assert.equal(loaded.uri, model.info.artifact_uri);
      assert.equal(loaded.model.info.model_id, model.info.model_id);
      assert.deepEqual([...loaded.files.keys()].sort(), files.map(([p]) => p).sort());
      for (const [path, , bytes] of files) assert.ok(loaded.files.get(path)?.equals(bytes), `${path} differs`);
    });

    test("model_id on every version answer: alias, search, latest versions, update, transition", async () => {
      await py.setAlias(w, "m3", "champion", "1");
      const id = model.info.model_id;
      const answers: ModelVersion[] = [
        (
          await w.ok<{ model_version: ModelVersion }>("GET", "/mlflow/registered-models/alias", {
            name: "m3",
            alias: "champion",
          })
        ).model_version,
        ...(
          await w.ok<{ model_versions: ModelVersion[] }>("GET", "/mlflow/model-versions/search", {
            filter: "name='m3'",
          })
        ).model_versions,
        ...(
          await w.ok<{ model_versions: ModelVersion[] }>("GET", "/mlflow/model-versions/search", {
            filter: `model_id = '${id}'`,
          })
        ).model_versions,
        ...(
          await w.ok<{ model_versions: ModelVersion[] }>("POST", "/mlflow/registered-models/get-latest-versions", {
            name: "m3",
          })
        ).model_versions,
        (
          await w.ok<{ model_version: ModelVersion }>("PATCH", "/mlflow/model-versions/update", {
            name: "m3",
            version: "1",
            description: "d",
          })
        ).model_version,
        (
          await w.ok<{ model_version: ModelVersion }>("POST", "/mlflow/model-versions/transition-stage", {
            name: "m3",
            version: "1",
            stage: "staging",
            archive_existing_versions: false,
          })
        ).model_version,
      ];
      assert.equal(answers.length, 6);
      for (const mv of answers) assert.equal(mv.model_id, id);
    });

    test("the registered version loads and predicts with the platform's runtimes (by version, alias and model id)", async () => {
      const want = [...predictorFor(pkg).predict(table.slice(0, 8))];
      const cacheDir = join(h.root, "cache");
      for (const ref of ["m3/1", "m3@champion", `models:/${model.info.model_id}`]) {
        const m = await resolveModel(ref, { ...h.platform, cacheDir });
        assert.deepEqual([...(await m.predictor.predict(table.slice(0, 8))).scores], want, ref);
        await m.close?.();
      }
    });

    test("the logged model's files are frozen once registered", async () => {
      const root = model.info.artifact_uri.replace(/^mlflow-artifacts:\//, "");
      const put = await h.send({
        method: "PUT",
        url: `${ARTIFACTS}/${root}/MLmodel`,
        headers: { "content-type": "text/plain" },
        body: "flavors: {evil: {}}\n",
      });
      expectError(put, 409, "RESOURCE_CONFLICT", /m3\/1/);
    });

    test("a source or model_id naming a missing, failed, mismatched or empty logged model is 400, nothing registered", async () => {
      const create = (body: Record<string, unknown>) =>
        w.post("/mlflow/model-versions/create", { name: "m3", ...body });
      const missing = "m-99999999999999999999999999999999";
      expectError(
        await create({ source: `models:/${missing}`, model_id: missing }),
        400,
        "INVALID_PARAMETER_VALUE",
        /logged model 'm-9+' does not exist/,
      );
      expectError(await create({ source: `models:/${missing}` }), 400, "INVALID_PARAMETER_VALUE", /parameter 'source'/);
      const other = await py3.logModel(w, run, "other", []);
      expectError(
        await create({ source: `models:/${model.info.model_id}`, model_id: other.info.model_id }),
        400,
        "INVALID_PARAMETER_VALUE",
        /but 'model_id' is/,
      );
      expectError(
        await create({ source: `models:/${other.info.model_id}` }),
        400,
        "INVALID_PARAMETER_VALUE",
        /MLmodel is missing/,
      );
      const failed = (
        await w.ok<{ model: LoggedModel }>("POST", "/mlflow/logged-models", { experiment_id: exp.experiment_id })
      ).model;
      await w.ok("PATCH", `/mlflow/logged-models/${failed.info.model_id}`, { status: "LOGGED_MODEL_UPLOAD_FAILED" });
      expectError(
        await create({ source: `models:/${failed.info.model_id}` }),
        400,
        "INVALID_PARAMETER_VALUE",
        /upload .* failed/,
      );
      const all = await w.ok<{ model_versions: ModelVersion[] }>("GET", "/mlflow/model-versions/search", {
        filter: "name = 'm3'",
      });
      assert.deepEqual(
        all.model_versions.map((v) => v.version),
        ["1"],
      );
    });

    test("register_model('runs:/RUN/model') on a 3.x run: the logged model's folder as source, with its model_id", async () => {
      const res = await w.post<{ model_version: ModelVersion }>("/mlflow/model-versions/create", {
        name: "m3-by-run",
        source: model.info.artifact_uri,
        model_id: model.info.model_id,
      });
      expectError(res, 404, "RESOURCE_DOES_NOT_EXIST");
      expectOk(await w.post("/mlflow/registered-models/create", { name: "m3-by-run" }));
      const mv = (
        await w.ok<{ model_version: ModelVersion }>("POST", "/mlflow/model-versions/create", {
          name: "m3-by-run",
          source: model.info.artifact_uri,
          model_id: model.info.model_id,
        })
      ).model_version;
      assert.deepEqual(
        [mv.model_id, mv.run_id, mv.source],
        [model.info.model_id, run.info.run_id, model.info.artifact_uri],
      );
      const uri = await w.ok<{ artifact_uri: string }>("GET", "/mlflow/model-versions/get-download-uri", {
        name: "m3-by-run",
        version: "1",
      });
      assert.equal(uri.artifact_uri, model.info.artifact_uri);
    });

    test("a second log_model registers version 2 of the same model; a 2.x runs:/ version has no model_id", async () => {
      const again = await py3.logModel(w, run, "model", files);
      const v2 = await py3.registerLoggedModel(w, again, "m3");
      assert.deepEqual([v2.version, v2.model_id], ["2", again.info.model_id]);
      const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\//, "");
      for (const [path, , bytes] of files) {
        const res = await h.send({ method: "PUT", url: `${ARTIFACTS}/${root}/model/${path}`, body: bytes });
        expectOk(res, path);
      }
      const v3 = await py.registerModel(w, run.info.run_id, "model", "m3");
      assert.equal(v3.version, "3");
      assert.equal(v3.model_id, undefined);
    });
  });
}
