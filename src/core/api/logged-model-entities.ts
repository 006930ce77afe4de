/**
 * MLflow 3's LoggedModel entities as they travel on the wire (`service.proto`: LoggedModel,
 * LoggedModelInfo, LoggedModelData, ModelInput, ModelOutput).
 */
import type { KeyValue, Metric } from "./mlflow-entities.js";

export const LOGGED_MODEL_STATUSES = [
  "LOGGED_MODEL_PENDING",
  "LOGGED_MODEL_READY",
  "LOGGED_MODEL_UPLOAD_FAILED",
] as const;
export type LoggedModelStatus = (typeof LOGGED_MODEL_STATUSES)[number];

/** The statuses `finalizeLoggedModel` may set. */
export const FINAL_LOGGED_MODEL_STATUSES = ["LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"] as const;
export type FinalLoggedModelStatus = (typeof FINAL_LOGGED_MODEL_STATUSES)[number];

export interface LoggedModelInfo {
  /** `m-` and 32 hex characters. */
  model_id: string;
  experiment_id: string;
  name: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  /** `<experiment artifact location>/models/<model_id>/artifacts`. */
  artifact_uri: string;
  status: LoggedModelStatus;
  model_type?: string;
  source_run_id?: string;
  status_message?: string;
  tags?: KeyValue[];
}

/** A metric linked to a logged model carries its run, model and (optionally) dataset. */
export interface LoggedModelMetric extends Metric {
  run_id: string;
  model_id: string;
  dataset_name?: string;
  dataset_digest?: string;
}

export interface LoggedModel {
  info: LoggedModelInfo;
  data: { params?: KeyValue[]; metrics?: LoggedModelMetric[] };
}

/** A logged model a run used (`runs/log-inputs` `models`). */
export interface ModelInput {
  model_id: string;
}

/** A logged model a run produced (`runs/outputs`). */
export interface ModelOutput {
  model_id: string;
  step: number;
}
