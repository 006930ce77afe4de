/** Row shapes of the tracking tables and their mapping to wire entities. */
import type {
  Experiment,
  KeyValue,
  LifecycleStage,
  Metric,
  RunInfo,
  RunStatus,
} from "../../core/api/mlflow-entities.js";
import { toWireDouble } from "../../core/api/mlflow-entities.js";

export interface ExperimentRow {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
}

export interface RunRow {
  run_uuid: string;
  name: string;
  experiment_id: number;
  user_id: string;
  status: RunStatus;
  start_time: number | null;
  end_time: number | null;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
}

export interface MetricRow {
  run_uuid?: string;
  key: string;
  value: number;
  is_nan: number;
  timestamp: number;
  step: number;
}

/** An experiment row (and its tags) as the wire entity. */
export function toExperiment(r: ExperimentRow, tags: KeyValue[]): Experiment {
  const e: Experiment = {
    experiment_id: String(r.experiment_id),
    name: r.name,
    artifact_location: r.artifact_location,
    lifecycle_stage: r.lifecycle_stage,
    last_update_time: r.last_update_time,
    creation_time: r.creation_time,
  };
  if (tags.length > 0) e.tags = tags;
  return e;
}

/** A run row as the wire RunInfo. */
export function toRunInfo(r: RunRow): RunInfo {
  const info: RunInfo = {
    run_id: r.run_uuid,
    run_uuid: r.run_uuid,
    run_name: r.name,
    experiment_id: String(r.experiment_id),
    user_id: r.user_id,
    status: r.status,
    artifact_uri: r.artifact_uri,
    lifecycle_stage: r.lifecycle_stage,
  };
  if (r.start_time !== null) info.start_time = r.start_time;
  if (r.end_time !== null) info.end_time = r.end_time;
  return info;
}

/** A metric row as the wire Metric. */
export function toMetric(r: MetricRow): Metric {
  return { key: r.key, value: r.is_nan ? "NaN" : toWireDouble(r.value), timestamp: r.timestamp, step: r.step };
}

/** Group rows by a key column, keeping order. */
export function groupBy<T, K>(rows: readonly T[], key: (r: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** `?, ?, ?` for n placeholders. */
export function placeholders(n: number): string {
  return n === 0 ? "NULL" : new Array(n).fill("?").join(", ");
}
