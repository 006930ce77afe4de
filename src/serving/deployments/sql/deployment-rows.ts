/** Rows of the `deployments` and `deployment_events` tables, and their mapping to domain objects. */
import type { SqlValue } from "../../../core/db/database.js";
import type {
  AliasChangePolicy,
  Deployment,
  DeploymentEvent,
  DeploymentFeatures,
  DeploymentPatch,
  DeploymentRolloutSettings,
  DeploymentStatus,
  RoutingKey,
} from "../deployment.js";

/** PostgreSQL returns BIGINT as text; SQLite returns numbers. */
type Int = number | string;

export interface DeploymentRow {
  name: string;
  primary_ref: string;
  candidate_ref: string | null;
  candidate_weight: number | string;
  shadow: Int;
  routing_key_source: string | null;
  routing_key_name: string | null;
  log_sampling: number | string;
  log_retention_ms: Int;
  archive_log: Int;
  status: string;
  generation: Int;
  description: string | null;
  created_time: Int;
  updated_time: Int;
  on_alias_change: string;
  primary_version: string | null;
  rollout_json: string | null;
  features_json: string | null;
}

export interface EventRow {
  id: string;
  deployment: string;
  time: Int;
  seq: Int;
  type: string;
  message: string;
  data_json: string | null;
}

export const DEPLOYMENT_COLUMNS =
  "name, primary_ref, candidate_ref, candidate_weight, shadow, routing_key_source, routing_key_name, log_sampling, log_retention_ms, archive_log, status, generation, description, created_time, updated_time, on_alias_change, primary_version, rollout_json, features_json";

export const EVENT_COLUMNS = "id, deployment, time, seq, type, message, data_json";

/** A stored row as a {@link Deployment}. */
export function toDeployment(r: DeploymentRow): Deployment {
  return {
    name: r.name,
    primary: r.primary_ref,
    ...(r.candidate_ref !== null ? { candidate: r.candidate_ref } : {}),
    candidateWeight: Number(r.candidate_weight),
    shadow: Number(r.shadow) !== 0,
    ...(r.routing_key_source !== null && r.routing_key_name !== null
      ? { routingKey: { source: r.routing_key_source as RoutingKey["source"], name: r.routing_key_name } }
      : {}),
    logSampling: Number(r.log_sampling),
    logRetentionMs: Number(r.log_retention_ms),
    archiveLog: Number(r.archive_log) !== 0,
    status: r.status as DeploymentStatus,
    generation: Number(r.generation),
    ...(r.description !== null ? { description: r.description } : {}),
    createdTime: Number(r.created_time),
    updatedTime: Number(r.updated_time),
    onAliasChange: r.on_alias_change as AliasChangePolicy,
    ...(r.primary_version !== null ? { primaryVersion: r.primary_version } : {}),
    ...(r.rollout_json !== null ? { rollout: JSON.parse(r.rollout_json) as DeploymentRolloutSettings } : {}),
    ...(r.features_json != null ? { features: JSON.parse(r.features_json) as DeploymentFeatures } : {}),
  };
}

/** A stored row as a {@link DeploymentEvent}. */
export function toEvent(r: EventRow): DeploymentEvent {
  return {
    id: r.id,
    deployment: r.deployment,
    time: Number(r.time),
    type: r.type,
    message: r.message,
    ...(r.data_json !== null ? { data: JSON.parse(r.data_json) as Record<string, unknown> } : {}),
  };
}

/** The `SET` assignments (with `?` placeholders) and values of the fields a patch changes. */
export function patchColumns(patch: DeploymentPatch): { sets: string[]; values: SqlValue[] } {
  const sets: string[] = [];
  const values: SqlValue[] = [];
  const set = (column: string, value: SqlValue) => {
    sets.push(`${column} = ?`);
    values.push(value);
  };
  if (patch.primary !== undefined) set("primary_ref", patch.primary);
  if (patch.candidate !== undefined) set("candidate_ref", patch.candidate);
  if (patch.candidateWeight !== undefined) set("candidate_weight", patch.candidateWeight);
  if (patch.shadow !== undefined) set("shadow", patch.shadow ? 1 : 0);
  if (patch.routingKey !== undefined) {
    set("routing_key_source", patch.routingKey?.source ?? null);
    set("routing_key_name", patch.routingKey?.name ?? null);
  }
  if (patch.logSampling !== undefined) set("log_sampling", patch.logSampling);
  if (patch.logRetentionMs !== undefined) set("log_retention_ms", patch.logRetentionMs);
  if (patch.archiveLog !== undefined) set("archive_log", patch.archiveLog ? 1 : 0);
  if (patch.status !== undefined) set("status", patch.status);
  if (patch.description !== undefined) set("description", patch.description);
  if (patch.onAliasChange !== undefined) set("on_alias_change", patch.onAliasChange);
  if (patch.primaryVersion !== undefined) set("primary_version", patch.primaryVersion);
  if (patch.rollout !== undefined) set("rollout_json", patch.rollout === null ? null : JSON.stringify(patch.rollout));
  if (patch.features !== undefined)
    set("features_json", patch.features === null ? null : JSON.stringify(patch.features));
  return { sets, values };
}
