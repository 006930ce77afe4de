/** Monitoring rows and their conversion (PostgreSQL returns BIGINT as strings, so numbers go through Number). */
import type { SqlValue } from "../../../core/db/database.js";
import type { Alert, AlertStatus, FeatureDrift, MonitorConfig, MonitorResult } from "../monitor.js";
import { MONITOR_DEFAULTS } from "../monitor-wire.js";
import type { KindRealized } from "../realized-kinds.js";

type Num = number | string;

export interface ConfigRow {
  deployment: string;
  config_json: string;
  created_time: Num;
  updated_time: Num;
  last_run_time: Num | null;
}

/** The settings stored as JSON (everything but the deployment and the times). */
type StoredSettings = Omit<MonitorConfig, "deployment" | "createdTime" | "updatedTime" | "lastRunTime"> &
  Partial<Pick<MonitorConfig, "rmseMargin" | "accuracyMargin">>;

export function configJson(c: MonitorConfig): string {
  const { deployment: _d, createdTime: _c, updatedTime: _u, lastRunTime: _l, ...settings } = c;
  return JSON.stringify(settings);
}

export function toConfig(row: ConfigRow): MonitorConfig {
  const settings = JSON.parse(row.config_json) as StoredSettings;
  return {
    deployment: row.deployment,
    ...settings,
    // Configs stored before these margins existed take their defaults.
    rmseMargin: settings.rmseMargin ?? MONITOR_DEFAULTS.rmseMargin,
    accuracyMargin: settings.accuracyMargin ?? MONITOR_DEFAULTS.accuracyMargin,
    createdTime: Number(row.created_time),
    updatedTime: Number(row.updated_time),
    ...(row.last_run_time !== null ? { lastRunTime: Number(row.last_run_time) } : {}),
  };
}

export const RESULT_COLUMNS = [
  "id",
  "deployment",
  "model_name",
  "model_version",
  "time",
  "window_start",
  "window_end",
  "rows_count",
  "labelled_rows",
  "dataset_drift",
  "share_drifted",
  "features_json",
  "reference",
  "realized_auc",
  "realized_log_loss",
  "calibration_error",
  "training_auc",
  "training_log_loss",
  "concept_drift",
  "notes_json",
  "error",
  "realized_json",
] as const;

export interface ResultRow {
  id: string;
  deployment: string;
  model_name: string | null;
  model_version: string | null;
  time: Num;
  window_start: Num;
  window_end: Num;
  rows_count: Num;
  labelled_rows: Num;
  dataset_drift: Num | null;
  share_drifted: Num | null;
  features_json: string;
  reference: string | null;
  realized_auc: Num | null;
  realized_log_loss: Num | null;
  calibration_error: Num | null;
  training_auc: Num | null;
  training_log_loss: Num | null;
  concept_drift: Num | null;
  notes_json: string;
  error: string | null;
  realized_json: string | null;
}

/** Column values in {@link RESULT_COLUMNS} order. */
export function resultValues(r: MonitorResult): SqlValue[] {
  return [
    r.id,
    r.deployment,
    r.modelName ?? null,
    r.modelVersion ?? null,
    r.time,
    r.windowStart,
    r.windowEnd,
    r.rows,
    r.labelledRows,
    flag(r.datasetDrift),
    finite(r.shareDrifted),
    JSON.stringify(r.features),
    r.reference ?? null,
    finite(r.realizedAuc),
    finite(r.realizedLogLoss),
    finite(r.calibrationError),
    finite(r.trainingAuc),
    finite(r.trainingLogLoss),
    flag(r.conceptDrift),
    JSON.stringify(r.notes),
    r.error ?? null,
    r.realized ? JSON.stringify(r.realized) : null,
  ];
}

export function toResult(row: ResultRow): MonitorResult {
  const r: MonitorResult = {
    id: row.id,
    deployment: row.deployment,
    time: Number(row.time),
    windowStart: Number(row.window_start),
    windowEnd: Number(row.window_end),
    rows: Number(row.rows_count),
    labelledRows: Number(row.labelled_rows),
    datasetDrift: bool(row.dataset_drift),
    shareDrifted: num(row.share_drifted),
    features: JSON.parse(row.features_json) as FeatureDrift[],
    realizedAuc: num(row.realized_auc),
    realizedLogLoss: num(row.realized_log_loss),
    calibrationError: num(row.calibration_error),
    trainingAuc: num(row.training_auc),
    trainingLogLoss: num(row.training_log_loss),
    conceptDrift: bool(row.concept_drift),
    notes: JSON.parse(row.notes_json) as string[],
  };
  if (row.model_name !== null) r.modelName = row.model_name;
  if (row.model_version !== null) r.modelVersion = row.model_version;
  if (row.reference !== null) r.reference = row.reference;
  if (row.error !== null) r.error = row.error;
  // JSON has no NaN or Infinity: a metric that was not finite reads back as null.
  if (row.realized_json !== null) r.realized = JSON.parse(row.realized_json) as KindRealized;
  return r;
}

export const ALERT_COLUMNS = [
  "id",
  "deployment",
  "rule",
  "status",
  "first_time",
  "last_time",
  "resolved_time",
  "value",
  "threshold",
  "message",
  "model_name",
  "model_version",
  "pipeline",
] as const;

export interface AlertRow {
  id: string;
  deployment: string;
  rule: string;
  status: string;
  first_time: Num;
  last_time: Num;
  resolved_time: Num | null;
  value: Num | null;
  threshold: Num | null;
  message: string;
  model_name: string | null;
  model_version: string | null;
  pipeline: string | null;
}

/** Column values in {@link ALERT_COLUMNS} order. */
export function alertValues(a: Alert): SqlValue[] {
  return [
    a.id,
    a.deployment,
    a.rule,
    a.status,
    a.firstTime,
    a.lastTime,
    a.resolvedTime ?? null,
    finite(a.value),
    finite(a.threshold),
    a.message,
    a.modelName ?? null,
    a.modelVersion ?? null,
    a.pipeline ?? null,
  ];
}

export function toAlert(row: AlertRow): Alert {
  const a: Alert = {
    id: row.id,
    deployment: row.deployment,
    rule: row.rule,
    status: row.status as AlertStatus,
    firstTime: Number(row.first_time),
    lastTime: Number(row.last_time),
    value: num(row.value),
    threshold: num(row.threshold),
    message: row.message,
  };
  if (row.resolved_time !== null) a.resolvedTime = Number(row.resolved_time);
  if (row.model_name !== null) a.modelName = row.model_name;
  if (row.model_version !== null) a.modelVersion = row.model_version;
  if (row.pipeline !== null) a.pipeline = row.pipeline;
  return a;
}

function flag(b: boolean | null): number | null {
  return b === null ? null : b ? 1 : 0;
}

function bool(v: Num | null): boolean | null {
  return v === null ? null : Number(v) === 1;
}

/** Non-finite numbers are stored as NULL (PostgreSQL's DOUBLE takes NaN, SQLite turns it into NULL anyway). */
export function finite(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

function num(v: Num | null): number | null {
  return v === null ? null : Number(v);
}
