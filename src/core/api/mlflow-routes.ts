/**
 * MLflow REST API 2.0 (tracking and registry) as one route table. Paths are relative to
 * `/api/2.0` and `/ajax-api/2.0`. Field rules follow MLflow's protos and handlers.
 */
import { s } from "../schema.js";
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
const metric = s.object({
  key: s.string().required(),
  value: s.double().required(),
  timestamp: s.int64().required(),
  step: s.int64(),
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
  ),
  getExperiment: route<{ experiment: Experiment }>()(
    "GET",
    "/mlflow/experiments/get",
    s.object({ experiment_id: s.string().required() }),
  ),
  getExperimentByName: route<{ experiment: Experiment }>()(
    "GET",
    "/mlflow/experiments/get-by-name",
    s.object({ experiment_name: s.string().required() }),
  ),
  searchExperiments: route<{ experiments?: Experiment[]; next_page_token?: string }>()(
    ["POST", "GET"],
    "/mlflow/experiments/search",
    s.object({ ...search, view_type: s.enum(VIEW_TYPES) }),
  ),
  updateExperiment: route<Empty>()(
    "POST",
    "/mlflow/experiments/update",
    s.object({ experiment_id: s.string().required(), new_name: s.string() }),
  ),
  deleteExperiment: route<Empty>()(
    "POST",
    "/mlflow/experiments/delete",
    s.object({ experiment_id: s.string().required() }),
  ),
  restoreExperiment: route<Empty>()(
    "POST",
    "/mlflow/experiments/restore",
    s.object({ experiment_id: s.string().required() }),
  ),
  setExperimentTag: route<Empty>()(
    "POST",
    "/mlflow/experiments/set-experiment-tag",
    s.object({ experiment_id: s.string().required(), key: s.string().required(), value: s.string() }),
  ),
  deleteExperimentTag: route<Empty>()(
    "POST",
    "/mlflow/experiments/delete-experiment-tag",
    s.object({ experiment_id: s.string().required(), key: s.string().required() }),
  ),
  searchDatasets: route<{ dataset_summaries?: DatasetSummary[] }>()(
    "POST",
    "/mlflow/experiments/search-datasets",
    s.object({ experiment_ids: s.array(s.string()) }),
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
  ),
  updateRun: route<{ run_info: RunInfo }>()(
    "POST",
    "/mlflow/runs/update",
    s.object({ ...runId, status: s.enum(RUN_STATUSES), end_time: s.int64(), run_name: s.string() }),
  ),
  deleteRun: route<Empty>()("POST", "/mlflow/runs/delete", s.object({ ...runId })),
  restoreRun: route<Empty>()("POST", "/mlflow/runs/restore", s.object({ ...runId })),
  getRun: route<{ run: Run }>()("GET", "/mlflow/runs/get", s.object({ ...runId })),
  searchRuns: route<{ runs?: Run[]; next_page_token?: string }>()(
    "POST",
    "/mlflow/runs/search",
    s.object({ ...search, experiment_ids: s.array(s.string()), run_view_type: s.enum(VIEW_TYPES) }),
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
    }),
  ),
  logParam: route<Empty>()(
    "POST",
    "/mlflow/runs/log-parameter",
    s.object({ ...runId, key: s.string().required(), value: s.string() }),
  ),
  setTag: route<Empty>()(
    "POST",
    "/mlflow/runs/set-tag",
    s.object({ ...runId, key: s.string().required(), value: s.string() }),
  ),
  deleteTag: route<Empty>()("POST", "/mlflow/runs/delete-tag", s.object({ ...runId, key: s.string().required() })),
  logBatch: route<Empty>()(
    "POST",
    "/mlflow/runs/log-batch",
    s.object({ ...runId, metrics: s.array(metric), params: s.array(keyValue), tags }),
  ),
  logModel: route<Empty>()("POST", "/mlflow/runs/log-model", s.object({ ...runId, model_json: s.string().required() })),
  logInputs: route<Empty>()(
    "POST",
    "/mlflow/runs/log-inputs",
    s.object({ ...runId, datasets: s.array(s.object({ tags, dataset: dataset.required() })) }),
  ),
  getMetricHistory: route<{ metrics?: Metric[]; next_page_token?: string }>()(
    "GET",
    "/mlflow/metrics/get-history",
    s.object({ ...runId, metric_key: s.string().required(), max_results: s.int64(), page_token: s.string() }),
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
  ),
  listArtifacts: route<{ root_uri?: string; files?: FileInfo[]; next_page_token?: string }>()(
    "GET",
    "/mlflow/artifacts/list",
    s.object({ ...runId, path: s.string(), page_token: s.string() }),
  ),

  // Registered models
  createRegisteredModel: route<{ registered_model: RegisteredModel }>()(
    "POST",
    "/mlflow/registered-models/create",
    s.object({ name: s.string().required(), tags, description: s.string() }),
  ),
  renameRegisteredModel: route<{ registered_model: RegisteredModel }>()(
    "POST",
    "/mlflow/registered-models/rename",
    s.object({ name: s.string().required(), new_name: s.string().required() }),
  ),
  updateRegisteredModel: route<{ registered_model: RegisteredModel }>()(
    "PATCH",
    "/mlflow/registered-models/update",
    s.object({ name: s.string().required(), description: s.string() }),
  ),
  deleteRegisteredModel: route<Empty>()(
    "DELETE",
    "/mlflow/registered-models/delete",
    s.object({ name: s.string().required() }),
  ),
  getRegisteredModel: route<{ registered_model: RegisteredModel }>()(
    "GET",
    "/mlflow/registered-models/get",
    s.object({ name: s.string().required() }),
  ),
  searchRegisteredModels: route<{ registered_models?: RegisteredModel[]; next_page_token?: string }>()(
    "GET",
    "/mlflow/registered-models/search",
    s.object(search),
  ),
  getLatestVersions: route<{ model_versions?: ModelVersion[] }>()(
    ["POST", "GET"],
    "/mlflow/registered-models/get-latest-versions",
    s.object({ name: s.string().required(), stages: s.array(s.string()) }),
  ),
  setRegisteredModelTag: route<Empty>()(
    "POST",
    "/mlflow/registered-models/set-tag",
    s.object({ name: s.string().required(), key: s.string().required(), value: s.string().required() }),
  ),
  deleteRegisteredModelTag: route<Empty>()(
    "DELETE",
    "/mlflow/registered-models/delete-tag",
    s.object({ name: s.string().required(), key: s.string().required() }),
  ),
  setRegisteredModelAlias: route<Empty>()(
    "POST",
    "/mlflow/registered-models/alias",
    s.object({ name: s.string().required(), alias: s.string().required(), version: s.string().required() }),
  ),
  deleteRegisteredModelAlias: route<Empty>()(
    "DELETE",
    "/mlflow/registered-models/alias",
    s.object({ name: s.string().required(), alias: s.string().required() }),
  ),
  getModelVersionByAlias: route<{ model_version: ModelVersion }>()(
    "GET",
    "/mlflow/registered-models/alias",
    s.object({ name: s.string().required(), alias: s.string().required() }),
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
    }),
  ),
  updateModelVersion: route<{ model_version: ModelVersion }>()(
    "PATCH",
    "/mlflow/model-versions/update",
    s.object({ ...nameVersion, description: s.string() }),
  ),
  transitionModelVersionStage: route<{ model_version: ModelVersion }>()(
    "POST",
    "/mlflow/model-versions/transition-stage",
    s.object({ ...nameVersion, stage: s.enum(STAGES).required(), archive_existing_versions: s.bool() }),
  ),
  deleteModelVersion: route<Empty>()("DELETE", "/mlflow/model-versions/delete", s.object(nameVersion)),
  getModelVersion: route<{ model_version: ModelVersion }>()("GET", "/mlflow/model-versions/get", s.object(nameVersion)),
  searchModelVersions: route<{ model_versions?: ModelVersion[]; next_page_token?: string }>()(
    "GET",
    "/mlflow/model-versions/search",
    s.object(search),
  ),
  getModelVersionDownloadUri: route<{ artifact_uri: string }>()(
    "GET",
    "/mlflow/model-versions/get-download-uri",
    s.object(nameVersion),
  ),
  setModelVersionTag: route<Empty>()(
    "POST",
    "/mlflow/model-versions/set-tag",
    s.object({ ...nameVersion, key: s.string().required(), value: s.string().required() }),
  ),
  deleteModelVersionTag: route<Empty>()(
    "DELETE",
    "/mlflow/model-versions/delete-tag",
    s.object({ ...nameVersion, key: s.string().required() }),
  ),
} as const;

export type MlflowRoutes = typeof mlflowRoutes;
export type MlflowRouteName = keyof MlflowRoutes;
