/**
 * MLflow REST API 2.0 (tracking and registry) as one route table. Paths are relative to
 * `/api/2.0` and `/ajax-api/2.0`. Field rules follow MLflow's protos and handlers.
 */
import { s } from "../schema.js";
import { access } from "./access.js";
import { loggedModelRoutes } from "./logged-model-routes.js";
import type {
  DatasetSummary,
  Experiment,
  FileInfo,
  Metric,
  MetricWithRunId,
  ModelVersion,
  RegisteredModel,
  Run,
  RunInfo,
} from "./mlflow-entities.js";
import { RUN_STATUSES, STAGES, VIEW_TYPES } from "./mlflow-entities.js";
import { route } from "./route.js";

type Empty = Record<string, never>;

const keyValue = s.object({ key: s.string().required(), value: s.string() });
const tags = s.array(keyValue);
const runId = { run_id: s.string(), run_uuid: s.string() };
// MLflow 3: a metric may be about a logged model, on a dataset.
const modelMetric = { model_id: s.string(), dataset_name: s.string(), dataset_digest: s.string() };
const metric = s.object({
  key: s.string().required(),
  value: s.double().required(),
  timestamp: s.int64().required(),
  step: s.int64(),
  ...modelMetric,
});
const dataset = s.object({
  name: s.string().required(),
  digest: s.string().required(),
  source_type: s.string().required(),
  source: s.string().required(),
  schema: s.string(),
  profile: s.string(),
});
const search = {
  max_results: s.int64(),
  page_token: s.string(),
  filter: s.string(),
  order_by: s.array(s.string()),
};
const nameVersion = { name: s.string().required(), version: s.string().required() };

export const mlflowRoutes = {
  // Experiments
  createExperiment: route<{ experiment_id: string }>()(
    "POST",
    "/mlflow/experiments/create",
    s.object({ name: s.string().required(), artifact_location: s.string(), tags }),
    access.creates("experiment"),
  ),
  getExperiment: route<{ experiment: Experiment }>()(
    "GET",
    "/mlflow/experiments/get",
    s.object({ experiment_id: s.string().required() }),
    access.on("experiment", "read", "experiment_id"),
  ),
  getExperimentByName: route<{ experiment: Experiment }>()(
    "GET",
    "/mlflow/experiments/get-by-name",
    s.object({ experiment_name: s.string().required() }),
    access.user,
  ),
  searchExperiments: route<{ experiments?: Experiment[]; next_page_token?: string }>()(
    ["POST", "GET"],
    "/mlflow/experiments/search",
    s.object({ ...search, view_type: s.enum(VIEW_TYPES) }),
    access.list("experiment"),
  ),
  updateExperiment: route<Empty>()(
    "POST",
    "/mlflow/experiments/update",
    s.object({ experiment_id: s.string().required(), new_name: s.string() }),
    access.on("experiment", "edit", "experiment_id"),
  ),
  deleteExperiment: route<Empty>()(
    "POST",
    "/mlflow/experiments/delete",
    s.object({ experiment_id: s.string().required() }),
    access.on("experiment", "manage", "experiment_id"),
  ),
  restoreExperiment: route<Empty>()(
    "POST",
    "/mlflow/experiments/restore",
    s.object({ experiment_id: s.string().required() }),
    access.on("experiment", "manage", "experiment_id"),
  ),
  setExperimentTag: route<Empty>()(
    "POST",
    "/mlflow/experiments/set-experiment-tag",
    s.object({ experiment_id: s.string().required(), key: s.string().required(), value: s.string() }),
    access.on("experiment", "edit", "experiment_id"),
  ),
  deleteExperimentTag: route<Empty>()(
    "POST",
    "/mlflow/experiments/delete-experiment-tag",
    s.object({ experiment_id: s.string().required(), key: s.string().required() }),
    access.on("experiment", "edit", "experiment_id"),
  ),
  searchDatasets: route<{ dataset_summaries?: DatasetSummary[] }>()(
    "POST",
    "/mlflow/experiments/search-datasets",
    s.object({ experiment_ids: s.array(s.string()) }),
    access.on("experiment", "read", "experiment_ids"),
  ),

  // Runs
  createRun: route<{ run: Run }>()(
    "POST",
    "/mlflow/runs/create",
    s.object({
      experiment_id: s.string(),
      user_id: s.string(),
      run_name: s.string(),
      start_time: s.int64(),
      tags,
    }),
    access.on("experiment", "edit", "experiment_id"),
  ),
  updateRun: route<{ run_info: RunInfo }>()(
    "POST",
    "/mlflow/runs/update",
    s.object({ ...runId, status: s.enum(RUN_STATUSES), end_time: s.int64(), run_name: s.string() }),
    access.on("experiment", "edit", "run"),
  ),
  deleteRun: route<Empty>()(
    "POST",
    "/mlflow/runs/delete",
    s.object({ ...runId }),
    access.on("experiment", "manage", "run"),
  ),
  restoreRun: route<Empty>()(
    "POST",
    "/mlflow/runs/restore",
    s.object({ ...runId }),
    access.on("experiment", "manage", "run"),
  ),
  getRun: route<{ run: Run }>()(
    "GET",
    "/mlflow/runs/get",
    s.object({ ...runId }),
    access.on("experiment", "read", "run"),
  ),
  searchRuns: route<{ runs?: Run[]; next_page_token?: string }>()(
    "POST",
    "/mlflow/runs/search",
    s.object({ ...search, experiment_ids: s.array(s.string()), run_view_type: s.enum(VIEW_TYPES) }),
    access.on("experiment", "read", "experiment_ids"),
  ),
  logMetric: route<Empty>()(
    "POST",
    "/mlflow/runs/log-metric",
    s.object({
      ...runId,
      key: s.string().required(),
      value: s.double().required(),
      timestamp: s.int64().required(),
      step: s.int64(),
      ...modelMetric,
    }),
    access.on("experiment", "edit", "run"),
  ),
  logParam: route<Empty>()(
    "POST",
    "/mlflow/runs/log-parameter",
    s.object({ ...runId, key: s.string().required(), value: s.string() }),
    access.on("experiment", "edit", "run"),
  ),
  setTag: route<Empty>()(
    "POST",
    "/mlflow/runs/set-tag",
    s.object({ ...runId, key: s.string().required(), value: s.string() }),
    access.on("experiment", "edit", "run"),
  ),
  deleteTag: route<Empty>()(
    "POST",
    "/mlflow/runs/delete-tag",
    s.object({ ...runId, key: s.string().required() }),
    access.on("experiment", "edit", "run"),
  ),
  logBatch: route<Empty>()(
    "POST",
    "/mlflow/runs/log-batch",
    s.object({ ...runId, metrics: s.array(metric), params: s.array(keyValue), tags }),
    access.on("experiment", "edit", "run"),
  ),
  logModel: route<Empty>()(
    "POST",
    "/mlflow/runs/log-model",
    s.object({ ...runId, model_json: s.string().required() }),
    access.on("experiment", "edit", "run"),
  ),
  logInputs: route<Empty>()(
    "POST",
    "/mlflow/runs/log-inputs",
    s.object({
      ...runId,
      datasets: s.array(s.object({ tags, dataset: dataset.required() })),
      models: s.array(s.object({ model_id: s.string().required() })),
    }),
    access.on("experiment", "edit", "run"),
  ),
  getMetricHistory: route<{ metrics?: Metric[]; next_page_token?: string }>()(
    "GET",
    "/mlflow/metrics/get-history",
    s.object({ ...runId, metric_key: s.string().required(), max_results: s.int64(), page_token: s.string() }),
    access.on("experiment", "read", "run"),
  ),
  getMetricHistoryBulkInterval: route<{ metrics?: MetricWithRunId[] }>()(
    "GET",
    "/mlflow/metrics/get-history-bulk-interval",
    s.object({
      run_ids: s.array(s.string()).required(),
      metric_key: s.string().required(),
      start_step: s.int64(),
      end_step: s.int64(),
      max_results: s.int64(),
    }),
    access.on("experiment", "read", "run_ids"),
  ),
  listArtifacts: route<{ root_uri?: string; files?: FileInfo[]; next_page_token?: string }>()(
    "GET",
    "/mlflow/artifacts/list",
    s.object({ ...runId, path: s.string(), page_token: s.string() }),
    access.on("experiment", "read", "run"),
  ),

  // MLflow 3: logged models and runs/outputs
  ...loggedModelRoutes,

  // Registered models
  createRegisteredModel: route<{ registered_model: RegisteredModel }>()(
    "POST",
    "/mlflow/registered-models/create",
    s.object({ name: s.string().required(), tags, description: s.string() }),
    access.creates("registered_model"),
  ),
  renameRegisteredModel: route<{ registered_model: RegisteredModel }>()(
    "POST",
    "/mlflow/registered-models/rename",
    s.object({ name: s.string().required(), new_name: s.string().required() }),
    access.on("registered_model", "edit", "name"),
  ),
  updateRegisteredModel: route<{ registered_model: RegisteredModel }>()(
    "PATCH",
    "/mlflow/registered-models/update",
    s.object({ name: s.string().required(), description: s.string() }),
    access.on("registered_model", "edit", "name"),
  ),
  deleteRegisteredModel: route<Empty>()(
    "DELETE",
    "/mlflow/registered-models/delete",
    s.object({ name: s.string().required() }),
    access.on("registered_model", "manage", "name"),
  ),
  getRegisteredModel: route<{ registered_model: RegisteredModel }>()(
    "GET",
    "/mlflow/registered-models/get",
    s.object({ name: s.string().required() }),
    access.on("registered_model", "read", "name"),
  ),
  searchRegisteredModels: route<{ registered_models?: RegisteredModel[]; next_page_token?: string }>()(
    "GET",
    "/mlflow/registered-models/search",
    s.object(search),
    access.list("registered_model"),
  ),
  getLatestVersions: route<{ model_versions?: ModelVersion[] }>()(
    ["POST", "GET"],
    "/mlflow/registered-models/get-latest-versions",
    s.object({ name: s.string().required(), stages: s.array(s.string()) }),
    access.on("registered_model", "read", "name"),
  ),
  setRegisteredModelTag: route<Empty>()(
    "POST",
    "/mlflow/registered-models/set-tag",
    s.object({ name: s.string().required(), key: s.string().required(), value: s.string().required() }),
    access.on("registered_model", "edit", "name"),
  ),
  deleteRegisteredModelTag: route<Empty>()(
    "DELETE",
    "/mlflow/registered-models/delete-tag",
    s.object({ name: s.string().required(), key: s.string().required() }),
    access.on("registered_model", "edit", "name"),
  ),
  setRegisteredModelAlias: route<Empty>()(
    "POST",
    "/mlflow/registered-models/alias",
    s.object({ name: s.string().required(), alias: s.string().required(), version: s.string().required() }),
    access.on("registered_model", "edit", "name"),
  ),
  deleteRegisteredModelAlias: route<Empty>()(
    "DELETE",
    "/mlflow/registered-models/alias",
    s.object({ name: s.string().required(), alias: s.string().required() }),
    access.on("registered_model", "manage", "name"),
  ),
  getModelVersionByAlias: route<{ model_version: ModelVersion }>()(
    "GET",
    "/mlflow/registered-models/alias",
    s.object({ name: s.string().required(), alias: s.string().required() }),
    access.on("registered_model", "read", "name"),
  ),

  // Model versions
  createModelVersion: route<{ model_version: ModelVersion }>()(
    "POST",
    "/mlflow/model-versions/create",
    s.object({
      name: s.string().required(),
      source: s.string().required(),
      run_id: s.string(),
      tags,
      run_link: s.string(),
      description: s.string(),
      model_id: s.string(),
    }),
    // MLflow 3: registering a logged model also needs read on its experiment.
    access.on("registered_model", "edit", "name", { type: "experiment", level: "read", ref: "logged_model_source" }),
  ),
  updateModelVersion: route<{ model_version: ModelVersion }>()(
    "PATCH",
    "/mlflow/model-versions/update",
    s.object({ ...nameVersion, description: s.string() }),
    access.on("registered_model", "edit", "name"),
  ),
  transitionModelVersionStage: route<{ model_version: ModelVersion }>()(
    "POST",
    "/mlflow/model-versions/transition-stage",
    // MLflow's get_canonical_stage: any case, answered with the canonical name.
    s.object({
      ...nameVersion,
      stage: s.enum(STAGES, { ignoreCase: true }).required(),
      archive_existing_versions: s.bool(),
    }),
    access.on("registered_model", "edit", "name"),
  ),
  deleteModelVersion: route<Empty>()(
    "DELETE",
    "/mlflow/model-versions/delete",
    s.object(nameVersion),
    access.on("registered_model", "manage", "name"),
  ),
  getModelVersion: route<{ model_version: ModelVersion }>()(
    "GET",
    "/mlflow/model-versions/get",
    s.object(nameVersion),
    access.on("registered_model", "read", "name"),
  ),
  searchModelVersions: route<{ model_versions?: ModelVersion[]; next_page_token?: string }>()(
    "GET",
    "/mlflow/model-versions/search",
    s.object(search),
    access.list("registered_model"),
  ),
  getModelVersionDownloadUri: route<{ artifact_uri: string }>()(
    "GET",
    "/mlflow/model-versions/get-download-uri",
    s.object(nameVersion),
    access.on("registered_model", "read", "name"),
  ),
  setModelVersionTag: route<Empty>()(
    "POST",
    "/mlflow/model-versions/set-tag",
    s.object({ ...nameVersion, key: s.string().required(), value: s.string().required() }),
    access.on("registered_model", "edit", "name"),
  ),
  deleteModelVersionTag: route<Empty>()(
    "DELETE",
    "/mlflow/model-versions/delete-tag",
    s.object({ ...nameVersion, key: s.string().required() }),
    access.on("registered_model", "manage", "name"),
  ),
} as const;

export type MlflowRoutes = typeof mlflowRoutes;
export type MlflowRouteName = keyof MlflowRoutes;
