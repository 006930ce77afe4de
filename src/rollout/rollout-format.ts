/** Human-readable rollouts for the CLI (from the wire objects). */
import type { CheckResultInfo, DeploymentEventInfo, RolloutInfo } from "../core/api/platform-routes.js";
import { formatDuration } from "../core/duration.js";
import { alignRows } from "../data/profile/format.js";

const PHASES: Record<RolloutInfo["phase"], string> = {
  initializing: "Initializing",
  shadow: "Shadow",
  progressing: "Progressing",
  promoting: "Promoting",
  succeeded: "Succeeded",
  rolled_back: "RolledBack",
};

function when(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

/** The rollout's state, settings and (when given) its events with each analysis' checks. */
export function formatRollout(r: RolloutInfo, events?: DeploymentEventInfo[], heading = "Rollout"): string {
  const s = r.spec;
  const step = r.step_index >= 0 ? `step ${r.step_index + 1} of ${s.steps.length}` : "before the first step";
  const lines = [
    `${heading} ${r.id} on ${r.deployment}: ${PHASES[r.phase]}${r.reason ? ` — ${r.reason}` : ""}`,
    `  candidate:     ${r.candidate} at ${r.weight} % (${step}; steps ${s.steps.join(", ")} %)`,
    `  primary:       ${r.primary}`,
    `  failed checks: ${r.failed_checks} of ${s.threshold} allowed; ${r.analyses} analyses every ${formatDuration(s.interval_ms)}`,
    `  started:       ${when(r.created_time)}${r.finished_time ? `, ended ${when(r.finished_time)} (${formatDuration(r.finished_time - r.created_time)})` : ""}`,
  ];
  if (r.promotion) {
    const p = r.promotion;
    lines.push(
      `  promotion:     ${p.model}@${p.alias} → ${p.version}${p.previous_version ? ` (previous: ${p.previous_version})` : ""}`,
    );
  }
  if (events) lines.push("", events.length ? "Events (newest first):" : "No events.", ...eventLines(events));
  return lines.join("\n");
}

/** A deployment's rollouts as a table. */
export function formatRolloutList(rollouts: RolloutInfo[]): string {
  if (rollouts.length === 0)
    return "No rollouts. Start one with: modelworks rollout start DEPLOYMENT --candidate MODEL/VERSION";
  const rows = rollouts.map((r) => [
    r.id,
    PHASES[r.phase],
    r.candidate,
    `${r.weight}%`,
    `${r.failed_checks}/${r.spec.threshold}`,
    when(r.created_time),
    r.reason ?? "",
  ]);
  return alignRows([["ID", "PHASE", "CANDIDATE", "WEIGHT", "FAILED", "STARTED", "REASON"], ...rows]).join("\n");
}

/** Events with the checks they carry, one indented line per check. */
export function eventLines(events: DeploymentEventInfo[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    out.push(`  ${when(e.time)}  ${e.type.padEnd(22)} ${e.message}`);
    const checks = e.data?.checks as CheckResultInfo[] | undefined;
    if (Array.isArray(checks)) for (const c of checks) out.push(`      ${formatCheck(c)}`);
  }
  return out;
}

/** `✔ latency-p99 2.10 (≤ 7.10): candidate p99 ...` */
export function formatCheck(c: CheckResultInfo): string {
  const value = c.value === null ? "-" : round(c.value);
  const threshold = c.threshold === null ? "" : ` (limit ${round(c.threshold)})`;
  return `${c.passed ? "✔" : "✘"} ${c.check} ${value}${threshold}: ${c.detail}`;
}

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}
