/**
 * Progressive delivery: a rollout moves a deployment's traffic to a candidate model version in
 * steps, analysing each window against the primary, and ends promoted or rolled back. The record
 * is persisted, so a restarted controller resumes where it was.
 */
import type { WindowThresholds } from "./analysis/window-checks.js";

/**
 * Where a rollout is. Active: `initializing` (pre-rollout hooks, candidate loading), `shadow`
 * (optional: the candidate scores copies), `progressing` (through the step weights), `promoting`
 * (full traffic, waiting for confirm-promotion hooks). Final: `succeeded`, `rolled_back`.
 */
export type RolloutPhase = "initializing" | "shadow" | "progressing" | "promoting" | "succeeded" | "rolled_back";

export const ACTIVE_PHASES: readonly RolloutPhase[] = ["initializing", "shadow", "progressing", "promoting"];

/** True while the controller still drives the rollout. */
export function isActivePhase(phase: RolloutPhase): boolean {
  return ACTIVE_PHASES.includes(phase);
}

/** When a webhook is called (Flagger's names). */
export type WebhookType = "pre-rollout" | "rollout" | "confirm-promotion" | "post-rollout";

export const WEBHOOK_TYPES: readonly WebhookType[] = ["pre-rollout", "rollout", "confirm-promotion", "post-rollout"];

/** A webhook: POSTed a JSON payload; a non-2xx (or timeout) fails its check or holds promotion. */
export interface WebhookSpec {
  name: string;
  type: WebhookType;
  url: string;
  timeoutMs: number;
  /** Passed through in the payload's `metadata`. */
  metadata?: Record<string, string>;
}

/**
 * A PromQL check: the query must return one number within [min, max]. `{{deployment}}`,
 * `{{interval}}` (the window, e.g. `30s`) and `{{variant}}` are substituted before it runs.
 */
export interface PromqlCheckSpec {
  name: string;
  query: string;
  min?: number;
  max?: number;
}

/** Thresholds of every analysis check. */
export interface AnalysisThresholds extends WindowThresholds {
  /** Binary models: the candidate's AUC may be at most this much below the primary's (labels from /feedback). */
  aucMargin: number;
  /** Regression models: the candidate's RMSE on labels may be at most the primary's × (1 + this). */
  maxRmseIncrease: number;
  /** Multiclass models: the candidate's accuracy on labels may be at most this much below the primary's. */
  accuracyMargin: number;
  /** Labelled predictions each variant needs (binary: with both classes) before a label check runs. */
  minLabels: number;
}

/** How a rollout runs: its steps, pace, tolerance, checks and integrations. */
export interface RolloutSpec {
  /** The candidate, `MODEL/VERSION`. */
  candidate: string;
  /** Candidate traffic weights in percent, increasing; the last is usually 100. */
  steps: number[];
  /** Time between analyses, in milliseconds. */
  intervalMs: number;
  /** Failed checks (cumulative over the rollout) that roll it back. */
  threshold: number;
  /** Score copies of all traffic (shadow mode) for one passing window before the first step. */
  shadowFirst: boolean;
  thresholds: AnalysisThresholds;
  webhooks: WebhookSpec[];
  /** Prometheus for deployments served by several replicas: the window and extra PromQL checks. */
  prometheus?: { url: string; checks: PromqlCheckSpec[] };
  /** A Slack-compatible incoming-webhook URL told about start, each step, promotion and rollback. */
  notifyUrl?: string;
}

/** What a promotion changed, so `rollout rollback` can undo it. */
export interface PromotionRecord {
  model: string;
  /** The version promoted (the candidate). */
  version: string;
  /** The alias moved to it (the primary's alias, `champion` by default). */
  alias: string;
  /** The version the alias pointed at before, which now holds the alias `previous`. */
  previousVersion?: string;
  /** The deployment's primary reference before the promotion. */
  previousPrimary: string;
  time: number;
}

/** The registry change a rollout started by the alias watcher rolls out: `model@alias` moved `from` → `to`. */
export interface AliasMove {
  model: string;
  alias: string;
  /** The version the deployment served (pinned) when the alias moved; a rollback moves the alias back to it. */
  from: string;
  /** The version the alias points at (the candidate). */
  to: string;
  /** Who moved it (from the audit log), when known. */
  movedBy?: string;
}

/** One rollout of a candidate on a deployment. */
export interface Rollout {
  id: string;
  deployment: string;
  spec: RolloutSpec;
  phase: RolloutPhase;
  /** Index into `spec.steps` of the current weight; -1 before the first step. */
  stepIndex: number;
  /** The candidate's traffic weight now (percent). */
  weight: number;
  /** Failed checks so far; `threshold` of them roll the rollout back. */
  failedChecks: number;
  /** Analyses run so far. */
  analyses: number;
  /** The deployment's primary reference when the rollout started. */
  primaryRef: string;
  createdTime: number;
  updatedTime: number;
  /** When the current phase or step began (its analysis window starts here or at the last failed analysis). */
  stepStartedTime: number;
  lastAnalysisTime?: number;
  finishedTime?: number;
  /** Why it ended (or why it is held): `analysis failed: ...`, `aborted by ...`, `promoted`. */
  reason?: string;
  promotion?: PromotionRecord;
  /** Set when the alias watcher started it for an alias move (a rollback then restores the alias). */
  aliasMove?: AliasMove;
  /**
   * For a final phase: whether its consequences are done (deployment cleaned up, post-rollout
   * hooks called, notification sent). A controller finishes unsettled rollouts after a crash.
   */
  settled: boolean;
  /** Incremented on every change; writers pass the generation they read (optimistic concurrency). */
  generation: number;
}
