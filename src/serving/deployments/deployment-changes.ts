/** What a change did to a deployment, as event evidence: each changed field's old and new value. */
import type { Deployment, DeploymentPatch } from "./deployment.js";
import { describeRolloutSettings } from "./rollout-settings.js";
import { formatRoutingKey } from "./routing-key.js";

/** A deployment's settings keyed by their HTTP API names; absent optional fields are null. */
export function settingsOf(d: Deployment): Record<string, string | number | boolean | null> {
  return {
    primary: d.primary,
    primary_version: d.primaryVersion ?? null,
    on_alias_change: d.onAliasChange,
    rollout: describeRolloutSettings(d.rollout),
    candidate: d.candidate ?? null,
    candidate_weight: d.candidateWeight,
    shadow: d.shadow,
    routing_key: d.routingKey ? formatRoutingKey(d.routingKey) : null,
    log_sampling: d.logSampling,
    log_retention_ms: d.logRetentionMs,
    archive_log: d.archiveLog,
    features: d.features ? `${d.features.service} (missing: ${d.features.missing})` : null,
    status: d.status,
    description: d.description ?? null,
  };
}

/** One changed setting. */
export interface FieldChange {
  old: unknown;
  new: unknown;
}

/** The settings that differ between two states of a deployment. */
export function changedSettings(before: Deployment, after: Deployment): Record<string, FieldChange> {
  const a = settingsOf(before);
  const b = settingsOf(after);
  const changes: Record<string, FieldChange> = {};
  for (const key of Object.keys(a)) {
    if (a[key] !== b[key]) changes[key] = { old: a[key], new: b[key] };
  }
  // A changed secret URL reads the same once redacted: still a change.
  if (!changes.rollout && JSON.stringify(before.rollout) !== JSON.stringify(after.rollout)) {
    changes.rollout = { old: a.rollout, new: b.rollout };
  }
  return changes;
}

/** The store patch that turns `before` into `after`: only the fields that differ. */
export function patchBetween(before: Deployment, after: Deployment): DeploymentPatch {
  const patch: DeploymentPatch = {};
  if (before.primary !== after.primary) patch.primary = after.primary;
  if (before.primaryVersion !== after.primaryVersion) patch.primaryVersion = after.primaryVersion ?? null;
  if (before.onAliasChange !== after.onAliasChange) patch.onAliasChange = after.onAliasChange;
  if (JSON.stringify(before.rollout) !== JSON.stringify(after.rollout)) patch.rollout = after.rollout ?? null;
  if (before.candidate !== after.candidate) patch.candidate = after.candidate ?? null;
  if (before.candidateWeight !== after.candidateWeight) patch.candidateWeight = after.candidateWeight;
  if (before.shadow !== after.shadow) patch.shadow = after.shadow;
  if (!sameKey(before, after)) patch.routingKey = after.routingKey ?? null;
  if (before.logSampling !== after.logSampling) patch.logSampling = after.logSampling;
  if (before.logRetentionMs !== after.logRetentionMs) patch.logRetentionMs = after.logRetentionMs;
  if (before.archiveLog !== after.archiveLog) patch.archiveLog = after.archiveLog;
  if (before.status !== after.status) patch.status = after.status;
  if (before.description !== after.description) patch.description = after.description ?? null;
  if (JSON.stringify(before.features) !== JSON.stringify(after.features)) patch.features = after.features ?? null;
  return patch;
}

function sameKey(a: Deployment, b: Deployment): boolean {
  return a.routingKey?.source === b.routingKey?.source && a.routingKey?.name === b.routingKey?.name;
}

/** A one-line summary of changes: `candidate_weight 10 → 25, shadow true → false`. */
export function describeChanges(changes: Record<string, FieldChange>): string {
  return Object.entries(changes)
    .map(([key, c]) => `${key} ${show(c.old)} → ${show(c.new)}`)
    .join(", ");
}

function show(v: unknown): string {
  if (v === null) return "none";
  return typeof v === "string" ? v : String(v);
}
