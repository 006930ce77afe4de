/**
 * MLflow 3's logged-model routes and `runs/outputs`, part of the MLflow route table (paths
 * relative to `/api/2.0` and `/ajax-api/2.0`; `:model_id` and `:tag_key` are path parameters).
 * A logged model belongs to an experiment: its routes need that experiment's permission.
 */
import { s } from "../schema.js";
import { access } from "./access.js";
import type { LoggedModel } from "./logged-model-entities.js";
import { FINAL_LOGGED_MODEL_STATUSES } from "./logged-model-entities.js";
import type { FileInfo } from "./mlflow-entities.js";
import { route } from "./route.js";

type Empty = Record<string, never>;

const keyValues = s.array(s.object({ key: s.string().required(), value: s.string() }));
const modelId = { model_id: s.string().required() };

export const loggedModelRoutes = {
  createLoggedModel: route<{ model: LoggedModel }>()(
    "POST",
    "/mlflow/logged-models",
    s.object({
      experiment_id: s.string().required(),
      name: s.string(),
      model_type: s.string(),
      source_run_id: s.string(),
      params: keyValues,
      tags: keyValues,
    }),
    access.on("experiment", "edit", "experiment_id"),
  ),
  searchLoggedModels: route<{ models?: LoggedModel[]; next_page_token?: string }>()(
    "POST",
    "/mlflow/logged-models/search",
    s.object({
      experiment_ids: s.array(s.string()),
      filter: s.string(),
      datasets: s.array(s.object({ dataset_name: s.string().required(), dataset_digest: s.string() })),
      max_results: s.int64(),
      order_by: s.array(
        s.object({
          field_name: s.string().required(),
          ascending: s.bool(),
          dataset_name: s.string(),
          dataset_digest: s.string(),
        }),
      ),
      page_token: s.string(),
    }),
    access.on("experiment", "read", "experiment_ids"),
  ),
  finalizeLoggedModel: route<{ model: LoggedModel }>()(
    "PATCH",
    "/mlflow/logged-models/:model_id",
    s.object({ ...modelId, status: s.enum(FINAL_LOGGED_MODEL_STATUSES).required() }),
    access.on("experiment", "edit", "logged_model"),
  ),
  getLoggedModel: route<{ model: LoggedModel }>()(
    "GET",
    "/mlflow/logged-models/:model_id",
    s.object(modelId),
    access.on("experiment", "read", "logged_model"),
  ),
  deleteLoggedModel: route<Empty>()(
    "DELETE",
    "/mlflow/logged-models/:model_id",
    s.object(modelId),
    access.on("experiment", "manage", "logged_model"),
  ),
  setLoggedModelTags: route<{ model: LoggedModel }>()(
    "PATCH",
    "/mlflow/logged-models/:model_id/tags",
    s.object({ ...modelId, tags: keyValues }),
    access.on("experiment", "edit", "logged_model"),
  ),
  deleteLoggedModelTag: route<Empty>()(
    "DELETE",
    "/mlflow/logged-models/:model_id/tags/:tag_key",
    s.object({ ...modelId, tag_key: s.string().required() }),
    access.on("experiment", "edit", "logged_model"),
  ),
  listLoggedModelArtifacts: route<{ root_uri?: string; files?: FileInfo[]; next_page_token?: string }>()(
    "GET",
    "/mlflow/logged-models/:model_id/artifacts/directories",
    s.object({ ...modelId, artifact_directory_path: s.string(), page_token: s.string() }),
    access.on("experiment", "read", "logged_model"),
  ),
  logLoggedModelParams: route<Empty>()(
    "POST",
    "/mlflow/logged-models/:model_id/params",
    s.object({ ...modelId, params: keyValues }),
    access.on("experiment", "edit", "logged_model"),
  ),
  logOutputs: route<Empty>()(
    "POST",
    "/mlflow/runs/outputs",
    s.object({
      run_id: s.string().required(),
      models: s.array(s.object({ model_id: s.string().required(), step: s.int64() })),
    }),
    access.on("experiment", "edit", "run"),
  ),
} as const;

export type LoggedModelRouteName = keyof typeof loggedModelRoutes;
