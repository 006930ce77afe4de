/** Load whole logged models (info, tags, params, linked metrics) for a list of ids. */
import type { LoggedModel, LoggedModelMetric, LoggedModelStatus } from "../../core/api/logged-model-entities.js";
import type { KeyValue, LifecycleStage } from "../../core/api/mlflow-entities.js";
import { toWireDouble } from "../../core/api/mlflow-entities.js";
import type { Queryable } from "../../core/db/database.js";
import { groupBy, placeholders } from "../sql/rows.js";

export interface LoggedModelRow {
  model_id: string;
  experiment_id: number;
  name: string;
  artifact_location: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  status: LoggedModelStatus;
  lifecycle_stage: LifecycleStage;
  model_type: string | null;
  source_run_id: string | null;
  status_message: string | null;
}

interface KvRow extends KeyValue {
  model_id: string;
}

interface MetricRow {
  model_id: string;
  key: string;
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
  run_uuid: string;
  dataset_name: string | null;
  dataset_digest: string | null;
}

/** Models in the order of `ids`; ids that do not exist are skipped (deleted ones are not). */
export async function loadLoggedModels(db: Queryable, ids: readonly string[]): Promise<LoggedModel[]> {
  if (ids.length === 0) return [];
  const ph = placeholders(ids.length);
  const [models, tags, params, metrics] = await Promise.all([
    db.all<LoggedModelRow>(`SELECT * FROM logged_models WHERE model_id IN (${ph})`, ids),
    db.all<KvRow>(`SELECT model_id, key, value FROM logged_model_tags WHERE model_id IN (${ph}) ORDER BY key`, ids),
    db.all<KvRow>(`SELECT model_id, key, value FROM logged_model_params WHERE model_id IN (${ph}) ORDER BY key`, ids),
    db.all<MetricRow>(
      `SELECT model_id, key, value, is_nan, timestamp, step, run_uuid, dataset_name, dataset_digest
       FROM logged_model_metrics WHERE model_id IN (${ph}) ORDER BY key, step, timestamp, run_uuid`,
      ids,
    ),
  ]);
  const byId = new Map(models.map((m) => [m.model_id, m]));
  const t = groupBy(tags, (r) => r.model_id);
  const p = groupBy(params, (r) => r.model_id);
  const m = groupBy(metrics, (r) => r.model_id);
  const out: LoggedModel[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (row) out.push(toLoggedModel(row, t.get(id), p.get(id), m.get(id)));
  }
  return out;
}

function toLoggedModel(
  r: LoggedModelRow,
  tags: KvRow[] | undefined,
  params: KvRow[] | undefined,
  metrics: MetricRow[] | undefined,
): LoggedModel {
  const info: LoggedModel["info"] = {
    model_id: r.model_id,
    experiment_id: String(r.experiment_id),
    name: r.name,
    creation_timestamp_ms: r.creation_timestamp,
    last_updated_timestamp_ms: r.last_updated_timestamp,
    artifact_uri: r.artifact_location,
    status: r.status,
  };
  if (r.model_type !== null) info.model_type = r.model_type;
  if (r.source_run_id !== null) info.source_run_id = r.source_run_id;
  if (r.status_message !== null) info.status_message = r.status_message;
  if (tags) info.tags = tags.map(kv);
  const data: LoggedModel["data"] = {};
  if (params) data.params = params.map(kv);
  if (metrics) data.metrics = metrics.map(toMetric);
  return { info, data };
}

function kv(r: KvRow): KeyValue {
  return { key: r.key, value: r.value };
}

function toMetric(r: MetricRow): LoggedModelMetric {
  const metric: LoggedModelMetric = {
    key: r.key,
    value: r.is_nan ? "NaN" : toWireDouble(r.value),
    timestamp: r.timestamp,
    step: r.step,
    run_id: r.run_uuid,
    model_id: r.model_id,
  };
  if (r.dataset_name !== null) metric.dataset_name = r.dataset_name;
  if (r.dataset_digest !== null) metric.dataset_digest = r.dataset_digest;
  return metric;
}
