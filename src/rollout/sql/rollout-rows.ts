/** Rollout rows and their conversion. */
import type { SqlValue } from "../../core/db/database.js";
import type { AliasMove, PromotionRecord, Rollout, RolloutPhase, RolloutSpec } from "../rollout.js";
import { DEFAULT_ANALYSIS_THRESHOLDS } from "../rollout-spec.js";

export const ROLLOUT_COLUMNS =
  "id, deployment, spec_json, phase, step_index, weight, failed_checks, analyses, primary_ref, created_time, " +
  "updated_time, step_started_time, last_analysis_time, finished_time, reason, promotion_json, settled, generation, " +
  "alias_move_json";

export interface RolloutRow {
  id: string;
  deployment: string;
  spec_json: string;
  phase: string;
  step_index: number | string;
  weight: number | string;
  failed_checks: number | string;
  analyses: number | string;
  primary_ref: string;
  created_time: number | string;
  updated_time: number | string;
  step_started_time: number | string;
  last_analysis_time: number | string | null;
  finished_time: number | string | null;
  reason: string | null;
  promotion_json: string | null;
  settled: number | string;
  generation: number | string;
  alias_move_json: string | null;
}

/** A stored spec; thresholds added since it was stored take their defaults. */
function specFromJson(text: string): RolloutSpec {
  const spec = JSON.parse(text) as RolloutSpec;
  return { ...spec, thresholds: { ...DEFAULT_ANALYSIS_THRESHOLDS, ...spec.thresholds } };
}

/** A row as a rollout (PostgreSQL returns BIGINT as strings). */
export function toRollout(row: RolloutRow): Rollout {
  const r: Rollout = {
    id: row.id,
    deployment: row.deployment,
    spec: specFromJson(row.spec_json),
    phase: row.phase as RolloutPhase,
    stepIndex: Number(row.step_index),
    weight: Number(row.weight),
    failedChecks: Number(row.failed_checks),
    analyses: Number(row.analyses),
    primaryRef: row.primary_ref,
    createdTime: Number(row.created_time),
    updatedTime: Number(row.updated_time),
    stepStartedTime: Number(row.step_started_time),
    settled: Number(row.settled) === 1,
    generation: Number(row.generation),
  };
  if (row.last_analysis_time !== null) r.lastAnalysisTime = Number(row.last_analysis_time);
  if (row.finished_time !== null) r.finishedTime = Number(row.finished_time);
  if (row.reason !== null) r.reason = row.reason;
  if (row.promotion_json !== null) r.promotion = JSON.parse(row.promotion_json) as PromotionRecord;
  if (row.alias_move_json !== null) r.aliasMove = JSON.parse(row.alias_move_json) as AliasMove;
  return r;
}

/** Column values in {@link ROLLOUT_COLUMNS} order. */
export function rolloutValues(r: Rollout): SqlValue[] {
  return [
    r.id,
    r.deployment,
    JSON.stringify(r.spec),
    r.phase,
    r.stepIndex,
    r.weight,
    r.failedChecks,
    r.analyses,
    r.primaryRef,
    r.createdTime,
    r.updatedTime,
    r.stepStartedTime,
    r.lastAnalysisTime ?? null,
    r.finishedTime ?? null,
    r.reason ?? null,
    r.promotion ? JSON.stringify(r.promotion) : null,
    r.settled ? 1 : 0,
    r.generation,
    r.aliasMove ? JSON.stringify(r.aliasMove) : null,
  ];
}
