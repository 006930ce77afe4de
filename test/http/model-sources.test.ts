/**
 * Model version sources and frozen packages, through the real app (security issue, finding 3):
 * versions only from model packages in the artifact store, and a registered package's files can
 * no longer be replaced, added to or deleted through the artifact routes.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ModelVersion, Run } from "../../src/core/api/mlflow-entities.js";
import type { HttpResponse } from "./support/client.js";
import { expectError, expectOk, Wire } from "./support/client.js";
import type { Harness } from "./support/harness.js";
import { startHarness } from "./support/harness.js";
import * as py from "./support/python-client.js";

const T0 = 1_700_000_000_000;
const ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";
const MLMODEL = "artifact_path: model\nflavors:\n  modelworks: {}\n";

describe("model version sources and frozen packages", () => {
  let h: Harness;
  let w: Wire;
  let run: Run;
  let root: string;

  const put = (path: string, body: string) =>
    h.send({ method: "PUT", url: `${ARTIFACTS}/${path}`, headers: { "content-type": "text/plain" }, body });
  const del = (path: string) => h.send({ method: "DELETE", url: `${ARTIFACTS}/${path}` });
  const read = async (path: string) => {
    const res = await h.send({ method: "GET", url: `${ARTIFACTS}/${path}` });
    return res.status === 200 ? res.text : undefined;
  };
  const create = (source: string, runId?: string) =>
    w.post<{ model_version: ModelVersion }>("/mlflow/model-versions/create", {
      name: "churn",
      source,
      ...(runId ? { run_id: runId } : {}),
    });
  const frozen = (res: HttpResponse) => expectError(res, 409, "RESOURCE_CONFLICT", /churn\/\d+.*cannot be changed/);

  before(async () => {
    h = await startHarness();
    w = new Wire(h.send);
    const exp = await py.setExperiment(w, "sources");
    run = await py.startRun(w, exp.experiment_id, "train", T0);
    root = run.info.artifact_uri.replace(/^mlflow-artifacts:\//, "");
    for (const [file, text] of [
      ["model/MLmodel", MLMODEL],
      ["model/model.json", "{}"],
    ]) {
      await py.logArtifact(w, run.info.run_id, file, Buffer.from(text), "text/plain");
    }
    expectOk(await w.post("/mlflow/registered-models/create", { name: "churn" }));
  });
  after(() => h.close());

  test("sources outside the artifact store are 400 INVALID_PARAMETER_VALUE naming 'source'", async () => {
    for (const [source, runId] of [
      ["file:///tmp/x", run.info.run_id],
      ["file:///etc", run.info.run_id],
      ["/etc", run.info.run_id],
      ["/tmp/x", undefined],
      ["s3://bucket/evil/model", undefined],
      ["https://evil.example/model.tar.gz", undefined],
      ["models:/churn/1", undefined],
      ["mlflow-artifacts:/", undefined],
      [`mlflow-artifacts:/${root}`, undefined],
    ] as const) {
      expectError(await create(source, runId), 400, "INVALID_PARAMETER_VALUE", /parameter 'source'/);
    }
    const versions = await w.ok<{ model_versions?: ModelVersion[] }>("GET", "/mlflow/model-versions/search", {});
    assert.equal(versions.model_versions, undefined, "nothing was registered");
  });

  test("a package from the run registers, by mlflow-artifacts:, runs:/ or a local path in the run's folder", async () => {
    const v1 = expectOk(await create(`${run.info.artifact_uri}/model`, run.info.run_id)).model_version;
    const v2 = expectOk(await create(`runs:/${run.info.run_id}/model`)).model_version;
    assert.equal(v2.source, `runs:/${run.info.run_id}/model`);
    const uri = await w.ok<{ artifact_uri: string }>("GET", "/mlflow/model-versions/get-download-uri", {
      name: "churn",
      version: v2.version,
    });
    assert.equal(uri.artifact_uri, `${run.info.artifact_uri}/model`, "runs:/ resolves into the store");
    const local = `${h.home}/artifacts/${root}/model`;
    const v3 = expectOk(await create(`file://${local}`, run.info.run_id)).model_version;
    assert.deepEqual([v1.version, v2.version, v3.version], ["1", "2", "3"]);
    expectError(await create(`file://${local}`), 400, "INVALID_PARAMETER_VALUE", /'run_id'/);
  });

  test("the registered package cannot be overwritten, added to or deleted; the files stay as they were", async () => {
    frozen(await put(`${root}/model/MLmodel`, "flavors: {evil: {}}\n"));
    frozen(await put(`${root}/model/faults.json`, '{"latency_ms": 5000}'));
    frozen(await put(`${root}/model/sub/extra.bin`, "x"));
    frozen(await del(`${root}/model/model.json`));
    frozen(await del(`${root}/model`));
    frozen(await del(root));
    frozen(await put(`${root.replace(/\/artifacts$/, "")}/artifacts//model/./faults.json`, "{}"));
    assert.equal(await read(`${root}/model/MLmodel`), MLMODEL);
    assert.equal(await read(`${root}/model/model.json`), "{}");
    assert.equal(await read(`${root}/model/faults.json`), undefined);
  });

  test("other paths, in the same run too, keep MLflow's overwrite semantics", async () => {
    expectOk(await put(`${root}/plot.txt`, "a"));
    expectOk(await put(`${root}/plot.txt`, "b"));
    assert.equal(await read(`${root}/plot.txt`), "b");
    expectOk(await put(`${root}/model2/MLmodel`, MLMODEL));
    expectOk(await del(`${root}/plot.txt`));
  });

  test("finding 3 replayed: a package with faults.json under evil/model is frozen once registered", async () => {
    expectOk(await put("evil/model/MLmodel", MLMODEL));
    const v = expectOk(await create("mlflow-artifacts:/evil/model")).model_version;
    frozen(await put("evil/model/faults.json", '{"error_rate": 1}'));
    assert.equal(await read("evil/model/faults.json"), undefined);
    // Deleting the version releases its folder.
    expectOk(await w.call("DELETE", "/mlflow/model-versions/delete", { name: "churn", version: v.version }));
    expectOk(await put("evil/model/faults.json", "{}"));
  });
});
