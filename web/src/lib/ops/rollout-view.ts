/** Pure helpers the deployment page uses to read rollouts and their events. */
import type { CheckResultInfo, DeploymentEventInfo, RolloutInfo } from "../../../../src/core/api/platform-routes";

const ACTIVE = new Set<RolloutInfo["phase"]>(["initializing", "shadow", "progressing", "promoting"]);

/** True while the rollout controller is still moving traffic (promote and abort make sense). */
export function isActivePhase(phase: RolloutInfo["phase"] | undefined): boolean {
  return phase !== undefined && ACTIVE.has(phase);
}

/** True when the rollout ended in a promotion that `rollback` can undo. */
export function canRollback(r: RolloutInfo | undefined): boolean {
  return r?.phase === "succeeded" && r.promotion !== undefined;
}

/** The badge tone for a rollout phase. */
export function phaseTone(phase: RolloutInfo["phase"]): "ok" | "bad" | "warn" | "info" {
  if (phase === "succeeded") return "ok";
  if (phase === "rolled_back") return "bad";
  return "info";
}

/** The newest event (events are newest first) that carries analysis checks, with its checks. */
export function latestChecks(
  events: DeploymentEventInfo[],
): { event: DeploymentEventInfo; checks: CheckResultInfo[] } | undefined {
  for (const e of events) {
    const checks = e.data?.checks;
    if (Array.isArray(checks) && checks.length > 0) return { event: e, checks: checks as CheckResultInfo[] };
  }
  return undefined;
}

/** Deployment and rollout events as one list: deduplicated by id, newest first. */
export function mergeEvents(...lists: DeploymentEventInfo[][]): DeploymentEventInfo[] {
  const byId = new Map<string, DeploymentEventInfo>();
  for (const list of lists) for (const e of list) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => b.time - a.time);
}

/** The badge tone of an event type (failures red, promotions green). */
export function eventTone(type: string): "ok" | "bad" | "warn" | "info" | undefined {
  if (/rolled_back|abort|fail/.test(type)) return "bad";
  if (/promot|succeed/.test(type)) return "ok";
  if (type.startsWith("rollout")) return "info";
  return undefined;
}
