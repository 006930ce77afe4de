/** Replays the MLflow 2.x Python client's request sequences (reference §3.2) through `app.inject()`. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type {
  Experiment,
  FileInfo,
  Metric,
  ModelVersion,
  RegisteredModel,
  Run,
} from "../../src/core/api/mlflow-entities.js";
import { expectError, expectOk, Wire } from "./support/client.js";
import type { Harness } from "./support/harness.js";
import { startHarness } from "./support/harness.js";
import * as py from "./support/python-client.js";

const T0 = 1_700_000_000_000;

/** A small model folder as `mlflow.sklearn.log_model` leaves it, plus one nested file. */
const MODEL_FILES: [string, string, Buffer][] = [
  ["MLmodel", "application/octet-stream", Buffer.from("artifact_path: model\nflavors:\n  python_function: {}\n")],
  ["model.pkl", "application/octet-stream", Buffer.concat([Buffer.from([0, 255, 1, 254]), randomBytes(70_000)])],
  ["conda.yaml", "application/x-yaml", Buffer.from("name: env\ndependencies: [python=3.11]\n")],
  ["requirements.txt", "text/plain", Buffer.from("scikit-learn==1.4.0\n")],
  ["input_example.json", "application/json", Buffer.from('{"columns": ["a"], "data": [[1]]}')],
  ["code/util.py", "text/x-python", Buffer.from("def f():\n    return 1\n")],
];

describe("MLflow Python client sequences over HTTP", () => {
  let h: Harness;
  let w: Wire;
  let exp: Experiment;
  let runA: Run;
  let runB: Run;

  before(async () => {
    h = await startHarness();
    w = new Wire(h.send);
  });
  after(() => h.close());

  test("set_experiment: get-by-name 404, create, get; a second call finds it", async () => {
    exp = await py.setExperiment(w, "sequences");
    assert.equal(typeof exp.experiment_id, "string");
    assert.equal(exp.name, "sequences");
    assert.equal(exp.lifecycle_stage, "active");
    const again = await py.setExperiment(w, "sequences");
    assert.equal(again.experiment_id, exp.experiment_id);
    const dflt = await w.ok<{ experiment: Experiment }>("GET", "/mlflow/experiments/get", { experiment_id: "0" });
    assert.equal(dflt.experiment.experiment_id, "0");
  });

  test("start_run: artifact_uri is mlflow-artifacts:/<exp>/<run>/artifacts", async () => {
    runA = await py.startRun(w, exp.experiment_id, "sweep-1", T0);
    runB = await py.startRun(w, exp.experiment_id, "baseline", T0 + 1000);
    const { info } = runA;
    assert.match(info.run_id, /^[0-9a-f]{32}$/);
    assert.equal(info.run_uuid, info.run_id);
    assert.equal(info.experiment_id, exp.experiment_id);
    assert.equal(info.run_name, "sweep-1");
    assert.equal(info.status, "RUNNING");
    assert.equal(info.start_time, T0);
    assert.equal(info.user_id, "alice");
    assert.equal(info.artifact_uri, `mlflow-artifacts:/${exp.experiment_id}/${info.run_id}/artifacts`);
    assert.ok(runA.data.tags?.some((t) => t.key === "mlflow.source.type" && t.value === "LOCAL"));
  });

  test("log_param(s), log_metric(s), set_tag", async () => {
    const a = runA.info.run_id;
    await py.logParam(w, a, "lr", 0.01);
    await py.logParam(w, a, "lr", 0.01); // idempotent on the same value
    await py.logBatch(w, a, {
      params: [
        { key: "model", value: "LogisticRegression" },
        { key: "lambda", value: "0.001" },
      ],
    });
    await py.logMetric(w, a, "acc", 0.5, T0 + 1, 0);
    await py.logMetric(w, a, "acc", "0.9", T0 + 2, 1); // protobuf JSON: a double may be a string
    await py.logBatch(w, a, { metrics: [{ key: "error", value: 0.04, timestamp: T0 + 3, step: 0 }] });
    await py.setTag(w, a, "team", "vision");
    await py.logBatch(w, a, {
      tags: [
        { key: "team", value: "nlp" },
        { key: "team", value: "search" },
      ],
    });
    const b = runB.info.run_id;
    await py.logBatch(w, b, {
      params: [
        { key: "lr", value: "0.1" },
        { key: "model", value: "SVC" },
      ],
      metrics: [{ key: "acc", value: 0.7, timestamp: String(T0 + 5), step: "0" }],
    });
    await py.setTag(w, b, "mlflow.parentRunId", a);

    const { run } = await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_id: a });
    const metrics = Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m]));
    assert.deepEqual(metrics.acc, { key: "acc", value: 0.9, timestamp: T0 + 2, step: 1 });
    assert.equal(typeof metrics.error?.value, "number");
    const params = Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value]));
    assert.deepEqual(params, { lr: "0.01", model: "LogisticRegression", lambda: "0.001" });
    assert.equal(run.data.tags?.find((t) => t.key === "team")?.value, "search");
    const byUuid = await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_uuid: a });
    assert.deepEqual(byUuid.run, run);
  });

  test("log_artifact(s): one PUT per file, listed by both artifact APIs", async () => {
    const a = runA.info.run_id;
    await py.logArtifact(w, a, "plot.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]), "image/png");
    for (const [path, type, bytes] of MODEL_FILES) await py.logArtifact(w, a, `model/${path}`, bytes, type);
    const top = await w.ok<{ root_uri: string; files: FileInfo[] }>("GET", "/mlflow/artifacts/list", { run_id: a });
    assert.equal(top.root_uri, runA.info.artifact_uri);
    assert.deepEqual(top.files, [
      { path: "model", is_dir: true },
      { path: "plot.png", is_dir: false, file_size: 7 },
    ]);
    const sub = await w.ok<{ files: FileInfo[] }>("GET", "/mlflow/artifacts/list", { run_id: a, path: "model/code" });
    assert.deepEqual(sub.files, [{ path: "model/code/util.py", is_dir: false, file_size: MODEL_FILES[5]?.[2].length }]);
    const proxied = await w.ok<{ files: FileInfo[] }>("GET", "/mlflow-artifacts/artifacts", {
      path: `${exp.experiment_id}/${a}/artifacts/model`,
    });
    assert.deepEqual(
      proxied.files.map((f) => f.path),
      ["MLmodel", "code", "conda.yaml", "input_example.json", "model.pkl", "requirements.txt"],
    );
  });

  test("end_run: status FINISHED and end_time", async () => {
    const info = await py.endRun(w, runA.info.run_id, T0 + 10_000);
    assert.equal(info.status, "FINISHED");
    assert.equal(info.end_time, T0 + 10_000);
    assert.equal((await py.endRun(w, runB.info.run_id, T0 + 20_000, "FAILED")).status, "FAILED");
  });

  test("search_runs with filter and order_by, paged to the end", async () => {
    const search = (body: Record<string, unknown>) =>
      w.ok<{ runs?: Run[]; next_page_token?: string }>("POST", "/mlflow/runs/search", body);
    const base = { experiment_ids: [exp.experiment_id], run_view_type: "ACTIVE_ONLY" };
    const all = await search({ ...base, max_results: 1000, order_by: ["metrics.acc DESC"] });
    assert.deepEqual(
      all.runs?.map((r) => r.info.run_name),
      ["sweep-1", "baseline"],
    );
    assert.equal("next_page_token" in all, false);
    const filtered = await search({ ...base, filter: "metrics.acc > 0.8 and params.lr = '0.01'", max_results: 1000 });
    assert.deepEqual(
      filtered.runs?.map((r) => r.info.run_id),
      [runA.info.run_id],
    );
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await search({ ...base, max_results: 1, order_by: ["params.lr ASC"], page_token: token });
      seen.push(...(page.runs ?? []).map((r) => r.info.run_name));
      token = page.next_page_token;
      assert.ok(token === undefined || token.length > 0);
    } while (token);
    assert.deepEqual(seen, ["sweep-1", "baseline"]);
  });

  test("register_model from a runs:/ URI twice, then set and read an alias", async () => {
    const v1 = await py.registerModel(w, runA.info.run_id, "model", "clf");
    assert.equal(v1.version, "1");
    assert.equal(v1.status, "READY");
    assert.equal(v1.run_id, runA.info.run_id);
    assert.equal(v1.source, `${runA.info.artifact_uri}/model`);
    const dup = await w.post("/mlflow/registered-models/create", { name: "clf" });
    expectError(dup, 400, "RESOURCE_ALREADY_EXISTS");
    const v2 = await py.registerModel(w, runA.info.run_id, "model", "clf");
    assert.equal(v2.version, "2");

    await py.setAlias(w, "clf", "champion", "1");
    const got = await w.ok<{ model_version: ModelVersion }>("GET", "/mlflow/registered-models/alias", {
      name: "clf",
      alias: "champion",
    });
    assert.equal(got.model_version.version, "1");
    assert.deepEqual(got.model_version.aliases, ["champion"]);
    await py.setAlias(w, "clf", "champion", "2"); // re-pointing overwrites
    const rm = await w.ok<{ registered_model: RegisteredModel }>("GET", "/mlflow/registered-models/get", {
      name: "clf",
    });
    assert.deepEqual(rm.registered_model.aliases, [{ alias: "champion", version: "2" }]);
  });

  test("models:/clf@champion downloads byte-identical files", async () => {
    const files = await py.downloadModel(w, "clf", "champion");
    assert.deepEqual([...files.keys()].sort(), MODEL_FILES.map(([p]) => p).sort());
    for (const [path, , bytes] of MODEL_FILES) assert.ok(files.get(path)?.equals(bytes), `${path} differs`);
    const res = await h.send({
      method: "GET",
      url: `/api/2.0/mlflow-artifacts/artifacts/${runA.info.artifact_uri.slice(18)}/plot.png`,
    });
    assert.equal(res.status, 200);
    assert.match(res.contentType, /^image\/png/);
  });

  test("a missing alias is 400 INVALID_PARAMETER_VALUE in MLflow's wording; DELETE carries a JSON body", async () => {
    const missing = await w.get("/mlflow/registered-models/alias", { name: "clf", alias: "nope" });
    expectError(missing, 400, "INVALID_PARAMETER_VALUE", "Registered model alias nope not found.");
    expectOk(await w.call("DELETE", "/mlflow/registered-models/alias", { name: "clf", alias: "champion" }));
    const gone = await w.get("/mlflow/registered-models/alias", { name: "clf", alias: "champion" });
    expectError(gone, 400, "INVALID_PARAMETER_VALUE", "Registered model alias champion not found.");
    expectOk(await w.post("/mlflow/registered-models/set-tag", { name: "clf", key: "k", value: "v" }));
    expectOk(await w.call("DELETE", "/mlflow/registered-models/delete-tag", { name: "clf", key: "k" }));
    const { registered_model } = await w.ok<{ registered_model: RegisteredModel }>(
      "GET",
      "/mlflow/registered-models/get",
      { name: "clf" },
    );
    assert.equal(registered_model.tags, undefined);
    expectOk(await w.call("DELETE", "/mlflow/model-versions/delete", { name: "clf", version: "2" }));
    expectError(
      await w.get("/mlflow/model-versions/get", { name: "clf", version: "2" }),
      404,
      "RESOURCE_DOES_NOT_EXIST",
    );
  });

  test("metric history: unpaged, and paged with max_results + page_token", async () => {
    const run = await py.startRun(w, exp.experiment_id, "history", T0);
    const id = run.info.run_id;
    const metrics = Array.from({ length: 25 }, (_, i) => ({
      key: "loss",
      value: 1 / (i + 1),
      timestamp: T0 + i,
      step: i,
    }));
    await py.logBatch(w, id, { metrics });
    const want: Metric[] = metrics.map((m) => ({ ...m }));
    const unpaged = await w.ok<{ metrics: Metric[]; next_page_token?: string }>("GET", "/mlflow/metrics/get-history", {
      run_id: id,
      run_uuid: id,
      metric_key: "loss",
    });
    assert.deepEqual(unpaged, { metrics: want });
    const pages: Metric[][] = [];
    let token: string | undefined;
    do {
      const page = await w.ok<{ metrics?: Metric[]; next_page_token?: string }>("GET", "/mlflow/metrics/get-history", {
        run_id: id,
        metric_key: "loss",
        max_results: 10,
        page_token: token,
      });
      pages.push(page.metrics ?? []);
      token = page.next_page_token;
    } while (token);
    assert.deepEqual(
      pages.map((p) => p.length),
      [10, 10, 5],
    );
    assert.deepEqual(pages.flat(), want);
    const none = await w.ok("GET", "/mlflow/metrics/get-history", { run_id: id, metric_key: "absent" });
    assert.deepEqual(none, {});
  });
});
