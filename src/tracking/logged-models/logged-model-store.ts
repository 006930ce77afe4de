/**
 * MLflow 3's logged models: a model's own record in an experiment (id `m-<32 hex>`, artifacts under
 * `<experiment artifact location>/models/<id>/artifacts`), its params, tags and linked metrics, and
 * the runs that produced or used it. Part of the tracking store contract.
 */
import type { FinalLoggedModelStatus, LoggedModel } from "../../core/api/logged-model-entities.js";
import type { KeyValue } from "../../core/api/mlflow-entities.js";
import type { Page } from "../../core/page.js";

export interface CreateLoggedModelInput {
  experimentId: string;
  /** A random readable name when absent. */
  name?: string;
  sourceRunId?: string;
  modelType?: string;
  params?: KeyValue[];
  tags?: KeyValue[];
}

/** One `order_by` item of a logged-model search (MLflow sends objects, not strings). */
export interface LoggedModelOrder {
  /** An attribute (`name`, `creation_timestamp`, ...) or `metrics.<key>`. */
  fieldName: string;
  ascending?: boolean;
  /** For a metric: only its values on this dataset (and digest) count. */
  datasetName?: string;
  datasetDigest?: string;
}

/** A dataset that metric clauses (and metric-less searches) are restricted to. */
export interface LoggedModelDatasetFilter {
  datasetName: string;
  datasetDigest?: string;
}

export interface LoggedModelSearchQuery {
  experimentIds: readonly string[];
  /** MLflow's grammar: attributes, `params.`, `tags.`, `metrics.` comparisons joined by AND. */
  filter?: string;
  datasets?: readonly LoggedModelDatasetFilter[];
  orderBy?: readonly LoggedModelOrder[];
  /** Default 50. */
  maxResults?: number;
  pageToken?: string;
}

export interface LoggedModelStore {
  /** A new PENDING logged model in an active experiment; the source run, when named, must exist. */
  createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel>;
  /** Set READY or UPLOAD_FAILED. */
  finalizeLoggedModel(modelId: string, status: FinalLoggedModelStatus): Promise<LoggedModel>;
  /** RESOURCE_DOES_NOT_EXIST for an unknown or deleted model. */
  getLoggedModel(modelId: string): Promise<LoggedModel>;
  /** Soft delete (MLflow's): get and search no longer see it; its artifacts stay. */
  deleteLoggedModel(modelId: string): Promise<void>;
  /** Upsert tags (last write wins). */
  setLoggedModelTags(modelId: string, tags: KeyValue[]): Promise<LoggedModel>;
  /** RESOURCE_DOES_NOT_EXIST when the tag is not set. */
  deleteLoggedModelTag(modelId: string, key: string): Promise<void>;
  /** Params are write-once: the same value again is a no-op, another value is refused. */
  logLoggedModelParams(modelId: string, params: KeyValue[]): Promise<void>;
  /** Active models of the experiments matching the filter, in order, one page at a time. */
  searchLoggedModels(query: LoggedModelSearchQuery): Promise<Page<LoggedModel>>;
  /** Record logged models as outputs of an active run (`runs/outputs`); the models must exist. */
  logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void>;
  /**
   * Record models as inputs of an active run (`runs/log-inputs` `models`). Not checked: MLflow
   * allows a registered model version's id here too.
   */
  logModelInputs(runId: string, modelIds: string[]): Promise<void>;
}
