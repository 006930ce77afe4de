/**
 * The request sequences of the MLflow 2.x Python client (reference §3.2), one function per
 * fluent call, each step checked the way `verify_rest_response` checks it.
 */
import assert from "node:assert/strict";
import type { Experiment, FileInfo, ModelVersion, Run, RunInfo } from "../../../src/core/api/mlflow-entities.js";
import type { Wire } from "./client.js";
import { expectError, expectOk } from "./client.js";

const ARTIFACTS = "/mlflow-artifacts/artifacts";

/** `mlflow.set_experiment(name)`: get-by-name, create on 404, get. */
export async function setExperiment(w: Wire, name: string): Promise<Experiment> {
  const found = await w.get<{ experiment: Experiment }>("/mlflow/experiments/get-by-name", { experiment_name: name });
  let id: string;
  if (found.status === 200) id = expectOk(found).experiment.experiment_id;
  else {
    expectError(found, 404, "RESOURCE_DOES_NOT_EXIST");
    ({ experiment_id: id } = await w.ok<{ experiment_id: string }>("POST", "/mlflow/experiments/create", { name }));
  }
  assert.equal(typeof id, "string");
  return (await w.ok<{ experiment: Experiment }>("GET", "/mlflow/experiments/get", { experiment_id: id })).experiment;
}

/** `mlflow.start_run(run_name=...)` with the default context tags. */
export async function startRun(w: Wire, experimentId: string, runName: string, startTime: number): Promise<Run> {
  const tags = [
    { key: "mlflow.user", value: "alice" },
    { key: "mlflow.source.name", value: "train.py" },
    { key: "mlflow.source.type", value: "LOCAL" },
    { key: "mlflow.runName", value: runName },
  ];
  const body = { experiment_id: experimentId, user_id: "alice", start_time: startTime, tags, run_name: runName };
  return (await w.ok<{ run: Run }>("POST", "/mlflow/runs/create", body)).run;
}

/** `mlflow.log_param(k, v)`: the client stringifies the value. */
export async function logParam(w: Wire, runId: string, key: string, value: unknown): Promise<void> {
  await w.ok("POST", "/mlflow/runs/log-parameter", { run_id: runId, run_uuid: runId, key, value: String(value) });
}

/** `mlflow.log_metric(k, v, step)`. */
export async function logMetric(w: Wire, runId: string, key: string, value: number | string, ts: number, step = 0) {
  await w.ok("POST", "/mlflow/runs/log-metric", { run_id: runId, run_uuid: runId, key, value, timestamp: ts, step });
}

/** `mlflow.set_tag(k, v)`. */
export async function setTag(w: Wire, runId: string, key: string, value: string): Promise<void> {
  await w.ok("POST", "/mlflow/runs/set-tag", { run_id: runId, run_uuid: runId, key, value: String(value) });
}

/** `log_params` / `log_metrics` / async logging: one log-batch. */
export async function logBatch(
  w: Wire,
  runId: string,
  batch: { metrics?: object[]; params?: object[]; tags?: object[] },
): Promise<void> {
  await w.ok("POST", "/mlflow/runs/log-batch", { run_id: runId, ...batch });
}

/** `mlflow.log_artifact(file, artifact_path)`: read the run's artifact URI, then one PUT. */
export async function logArtifact(w: Wire, runId: string, relPath: string, bytes: Buffer, contentType: string) {
  const { run } = await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_id: runId });
  const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\//, "");
  const res = await w.send({
    method: "PUT",
    url: `${w.prefix}${ARTIFACTS}/${root}/${relPath}`,
    headers: { "content-type": contentType },
    body: bytes,
  });
  expectOk(res, `PUT ${relPath}`);
}

/** `mlflow.end_run()`. */
export async function endRun(w: Wire, runId: string, endTime: number, status = "FINISHED"): Promise<RunInfo> {
  const body = { run_uuid: runId, run_id: runId, status, end_time: endTime };
  return (await w.ok<{ run_info: RunInfo }>("POST", "/mlflow/runs/update", body)).run_info;
}

/** `mlflow.register_model("runs:/<run>/<path>", name)`. */
export async function registerModel(w: Wire, runId: string, path: string, name: string): Promise<ModelVersion> {
  const created = await w.post("/mlflow/registered-models/create", { name });
  if (created.status !== 200) expectError(created, 400, "RESOURCE_ALREADY_EXISTS");
  const { run } = await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_id: runId });
  const source = `${run.info.artifact_uri}/${path}`;
  const listing = await w.ok<{ files?: FileInfo[] }>("GET", ARTIFACTS, {
    path: source.replace(/^mlflow-artifacts:\//, ""),
  });
  assert.ok(listing.files?.length, `${source} lists no files`);
  const body = { name, source, run_id: runId };
  const { model_version } = await w.ok<{ model_version: ModelVersion }>("POST", "/mlflow/model-versions/create", body);
  return model_version;
}

/** `MlflowClient().set_registered_model_alias(name, alias, version)`. */
export async function setAlias(w: Wire, name: string, alias: string, version: string): Promise<void> {
  const body = await w.ok("POST", "/mlflow/registered-models/alias", { name, alias, version });
  assert.deepEqual(body, {});
}

/**
 * `mlflow.pyfunc.load_model("models:/name@alias")`'s downloads: alias → version → download URI →
 * recursive listing → one GET per file. Returns the files by path relative to the model root.
 */
export async function downloadModel(w: Wire, name: string, alias: string): Promise<Map<string, Buffer>> {
  const byAlias = await w.ok<{ model_version: ModelVersion }>("GET", "/mlflow/registered-models/alias", {
    name,
    alias,
  });
  const version = byAlias.model_version.version;
  const uri = await w.ok<{ artifact_uri: string }>("GET", "/mlflow/model-versions/get-download-uri", { name, version });
  const root = uri.artifact_uri.replace(/^mlflow-artifacts:\//, "");
  const files = new Map<string, Buffer>();
  const walk = async (rel: string): Promise<void> => {
    const dir = rel ? `${root}/${rel}` : root;
    const listing = await w.ok<{ files?: FileInfo[] }>("GET", ARTIFACTS, { path: dir });
    for (const f of listing.files ?? []) {
      assert.ok(!f.path.includes("/"), `listing paths are basenames, got ${f.path}`);
      const child = rel ? `${rel}/${f.path}` : f.path;
      if (f.is_dir) await walk(child);
      else {
        const res = await w.send({ method: "GET", url: `${w.prefix}${ARTIFACTS}/${root}/${child}` });
        assert.equal(res.status, 200, `download ${child}: ${res.status}`);
        assert.equal(res.raw.length, f.file_size, `size of ${child}`);
        files.set(child, res.raw);
      }
    }
  };
  await walk("");
  return files;
}
