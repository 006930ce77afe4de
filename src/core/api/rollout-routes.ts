/** The rollout routes of the platform API: start, list, show, promote, abort, roll back. */
import { s } from "../schema.js";
import { access } from "./access.js";
import type { DeploymentEventInfo } from "./platform-routes.js";
import { route } from "./route.js";

const name = s.string().required();

/** One analysis check's verdict with its evidence (`threshold` null when there was nothing to compare). */
export interface CheckResultInfo {
  check: string;
  passed: boolean;
  value: number | null;
  threshold: number | null;
  detail: string;
}

/** A rollout on the wire; `spec` holds every setting it runs with, defaults filled in. */
export interface RolloutInfo {
  id: string;
  deployment: string;
  candidate: string;
  primary: string;
  phase: "initializing" | "shadow" | "progressing" | "promoting" | "succeeded" | "rolled_back";
  /** Index into `spec.steps` (-1 before the first step). */
  step_index: number;
  weight: number;
  failed_checks: number;
  analyses: number;
  created_time: number;
  updated_time: number;
  step_started_time: number;
  last_analysis_time?: number;
  finished_time?: number;
  reason?: string;
  promotion?: {
    model: string;
    version: string;
    alias: string;
    previous_version?: string;
    previous_primary: string;
    time: number;
  };
  spec: {
    steps: number[];
    interval_ms: number;
    threshold: number;
    shadow_first: boolean;
    thresholds: Record<string, number>;
    webhooks: { name: string; type: string; url: string; timeout_ms: number; metadata?: Record<string, string> }[];
    prometheus?: { url: string; checks: { name: string; query: string; min?: number; max?: number }[] };
    notify_url?: string;
  };
}

/** Progressive delivery: start a rollout on a deployment, follow it, and steer it by hand. */
export const rolloutRoutes = {
  /**
   * Start a rollout of `candidate` (`MODEL/VERSION` or `MODEL@ALIAS`, pinned to its version).
   * `thresholds` keys: max_error_rate_increase, latency_ratio, latency_slack_ms, max_score_psi,
   * min_requests, auc_margin, max_rmse_increase, accuracy_margin, min_labels.
   * `webhooks`: [{type, url, name?, timeout_ms?, metadata?}].
   * `prometheus`: {url, checks: [{name, query, min?, max?}]}.
   */
  startRollout: route<{ rollout: RolloutInfo }>()(
    "POST",
    "/deployments/:name/rollouts",
    s.object({
      name,
      candidate: s.string().required(),
      steps: s.array(s.double(), 50),
      interval_ms: s.int64(),
      threshold: s.int64(),
      shadow_first: s.bool(),
      thresholds: s.any(),
      webhooks: s.any(),
      prometheus: s.any(),
      notify_url: s.string(),
    }),
    access.on("deployment", "edit", "name"),
  ),
  /** A deployment's rollouts, newest first. */
  listRollouts: route<{ rollouts: RolloutInfo[] }>()(
    "GET",
    "/deployments/:name/rollouts",
    s.object({ name, limit: s.int64() }),
    access.on("deployment", "read", "name"),
  ),
  /** The latest rollout with every event recorded about it (each analysis with its checks), newest first. */
  getRollout: route<{ rollout: RolloutInfo; events: DeploymentEventInfo[] }>()(
    "GET",
    "/deployments/:name/rollout",
    s.object({ name }),
    access.on("deployment", "read", "name"),
  ),
  /** Skip the remaining steps and analysis and promote the candidate now. */
  promoteRollout: route<{ rollout: RolloutInfo }>()(
    "POST",
    "/deployments/:name/rollout/promote",
    s.object({ name }),
    access.on("deployment", "edit", "name"),
  ),
  /** Stop the active rollout: traffic back to the primary, candidate removed. */
  abortRollout: route<{ rollout: RolloutInfo }>()(
    "POST",
    "/deployments/:name/rollout/abort",
    s.object({ name, reason: s.string() }),
    access.on("deployment", "edit", "name"),
  ),
  /** Undo the latest promotion (alias and primary back to the former champion); aborts an active rollout. */
  rollbackRollout: route<{ rollout: RolloutInfo }>()(
    "POST",
    "/deployments/:name/rollout/rollback",
    s.object({ name }),
    access.on("deployment", "edit", "name"),
  ),
};
