/**
 * The request sequences the MLflow 3.x Python client adds (shared/reference/mlflow3-logged-models.md),
 * one function per fluent call, each step checked the way `verify_rest_response` checks it.
 */
import assert from "node:assert/strict";
import type { LoggedModel } from "../../../src/core/api/logged-model-entities.js";
import type { FileInfo, KeyValue, ModelVersion, Run } from "../../../src/core/api/mlflow-entities.js";
import type { Wire } from "./client.js";
import { expectError, expectOk } from "./client.js";

const ARTIFACTS = "/mlflow-artifacts/artifacts";

/** The files `mlflow.sklearn.log_model` uploads, in the order it uploads them. */
export const SKLEARN_MODEL_FILES: [string, string, Buffer][] = [
  ["MLmodel", "application/octet-stream", Buffer.from("artifact_path: null\nflavors:\n  python_function: {}\n")],
  ["model.pkl", "application/octet-stream", Buffer.from([0x80, 0x05, 0x95, 0, 1, 2, 3, 255])],
  ["requirements.txt", "text/plain", Buffer.from("mlflow==3.6.0\nscikit-learn==1.5.0\n")],
  ["conda.yaml", "application/x-yaml", Buffer.from("name: mlflow-env\ndependencies: [python=3.11]\n")],
  ["python_env.yaml", "application/x-yaml", Buffer.from("python: 3.11.9\n")],
  ["input_example.json", "application/json", Buffer.from('{"columns": ["a"], "data": [[1]]}')],
  ["serving_input_example.json", "application/json", Buffer.from('{"dataframe_split": {"columns": ["a"]}}')],
];

export interface SearchLoggedModelsAnswer {
  models?: LoggedModel[];
  next_page_token?: string;
}

/** `MlflowClient().search_logged_models(...)`: one POST per page. */
export function searchLoggedModels(w: Wire, body: Record<string, unknown>): Promise<SearchLoggedModelsAnswer> {
  return w.ok<SearchLoggedModelsAnswer>("POST", "/mlflow/logged-models/search", body);
}

/** `GET logged-models/<id>` (the client also sends the id as a query field). */
export async function getLoggedModel(w: Wire, modelId: string): Promise<LoggedModel> {
  return (await w.ok<{ model: LoggedModel }>("GET", `/mlflow/logged-models/${modelId}`, { model_id: modelId })).model;
}

/**
 * `mlflow.sklearn.log_model(m, name=...)` inside a run, up to finalizing (steps 1–6 of the
 * recording): search by name, create with the run's params and context tags, link the run's
 * output, read the model back, upload its files to its artifact location, finalize READY.
 */
export async function logModel(
  w: Wire,
  run: Run,
  name: string,
  files: [string, string, Buffer][] = SKLEARN_MODEL_FILES,
): Promise<LoggedModel> {
  const experimentId = run.info.experiment_id;
  await searchLoggedModels(w, { experiment_ids: [experimentId], filter: `name = '${name}'` });
  const contextTags = (run.data.tags ?? []).filter((t: KeyValue) =>
    ["mlflow.user", "mlflow.source.name", "mlflow.source.type", "mlflow.source.git.commit"].includes(t.key),
  );
  const { model: created } = await w.ok<{ model: LoggedModel }>("POST", "/mlflow/logged-models", {
    experiment_id: experimentId,
    name,
    source_run_id: run.info.run_id,
    params: run.data.params ?? [],
    tags: contextTags,
  });
  const id = created.info.model_id;
  assert.equal(created.info.status, "LOGGED_MODEL_PENDING");
  const outputs = await w.ok("POST", "/mlflow/runs/outputs", {
    run_id: run.info.run_id,
    models: [{ model_id: id, step: 0 }],
  });
  assert.deepEqual(outputs, {});
  const model = await getLoggedModel(w, id);
  const root = model.info.artifact_uri.replace(/^mlflow-artifacts:\//, "");
  for (const [path, contentType, bytes] of files) {
    const res = await w.send({
      method: "PUT",
      url: `${w.prefix}/mlflow-artifacts/artifacts/${root}/${path}`,
      headers: { "content-type": contentType },
      body: bytes,
    });
    expectOk(res, `PUT ${path}`);
  }
  const finalized = await w.ok<{ model: LoggedModel }>("PATCH", `/mlflow/logged-models/${id}`, {
    model_id: id,
    status: "LOGGED_MODEL_READY",
  });
  return finalized.model;
}

/** `MlflowClient().set_logged_model_tags(id, {...})`. */
export async function setLoggedModelTags(w: Wire, modelId: string, tags: KeyValue[]): Promise<LoggedModel> {
  const body = { model_id: modelId, tags };
  return (await w.ok<{ model: LoggedModel }>("PATCH", `/mlflow/logged-models/${modelId}/tags`, body)).model;
}

/**
 * `log_model(..., registered_model_name=name)` after finalizing (steps 7–8): create the registered
 * model (an existing one is fine), create the version from the logged model with no `run_id`, then
 * tag the logged model with the versions made from it.
 */
export async function registerLoggedModel(w: Wire, model: LoggedModel, name: string): Promise<ModelVersion> {
  const created = await w.post("/mlflow/registered-models/create", { name });
  if (created.status !== 200) expectError(created, 400, "RESOURCE_ALREADY_EXISTS");
  const id = model.info.model_id;
  const { model_version } = await w.ok<{ model_version: ModelVersion }>("POST", "/mlflow/model-versions/create", {
    name,
    source: `models:/${id}`,
    model_id: id,
  });
  const value = JSON.stringify([{ name, version: model_version.version }])
    .replace(/,/g, ", ")
    .replace(/:/g, ": ");
  await setLoggedModelTags(w, id, [{ key: "mlflow.modelVersions", value }]);
  return model_version;
}

/**
 * `mlflow.pyfunc.load_model("models:/name/version")`'s calls: the version, its registered model,
 * the download URI, the logged model it came from, then the files under the download URI (one
 * listing per folder, one GET per file). Returns the files by path relative to the model root.
 */
export async function loadModelVersion(
  w: Wire,
  name: string,
  version: string,
): Promise<{ version: ModelVersion; uri: string; model: LoggedModel; files: Map<string, Buffer> }> {
  const mv = (await w.ok<{ model_version: ModelVersion }>("GET", "/mlflow/model-versions/get", { name, version }))
    .model_version;
  await w.ok("GET", "/mlflow/registered-models/get", { name });
  const { artifact_uri } = await w.ok<{ artifact_uri: string }>("GET", "/mlflow/model-versions/get-download-uri", {
    name,
    version,
  });
  assert.ok(mv.model_id, "the version names its logged model");
  const model = await getLoggedModel(w, mv.model_id);
  const root = artifact_uri.replace(/^mlflow-artifacts:\//, "");
  const files = new Map<string, Buffer>();
  const walk = async (rel: string): Promise<void> => {
    const listing = await w.ok<{ files?: FileInfo[] }>("GET", ARTIFACTS, { path: rel ? `${root}/${rel}` : root });
    for (const f of listing.files ?? []) {
      const child = rel ? `${rel}/${f.path}` : f.path;
      if (f.is_dir) await walk(child);
      else {
        const res = await w.send({ method: "GET", url: `${w.prefix}${ARTIFACTS}/${root}/${child}` });
        assert.equal(res.status, 200, `download ${child}: ${res.status}`);
        files.set(child, res.raw);
      }
    }
  };
  await walk("");
  return { version: mv, uri: artifact_uri, model, files };
}
