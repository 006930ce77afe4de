/** Human-readable rendering of deployments and their events for the CLI (from the wire objects). */
import type { DeploymentEventInfo, DeploymentInfo, ServingInstanceInfo } from "../../core/api/platform-routes.js";
import { formatDuration } from "../../core/duration.js";
import { alignRows } from "../../data/profile/format.js";
import { formatRoutingKey } from "./routing-key.js";

/** A timestamp as `YYYY-MM-DD HH:MM:SS` (UTC). */
function when(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

/** Who answers: `churn@champion`, `+ churn/2 at 10%` or `+ churn/2 (shadow)`. */
function traffic(d: DeploymentInfo): string {
  if (d.candidate === undefined) return "-";
  return d.shadow ? `${d.candidate} (shadow)` : `${d.candidate} at ${d.candidate_weight}%`;
}

/** What an alias move does: `rollout (steps 5,25,50,100 %, every 30 s, threshold 2, ...)` or `swap`. */
function aliasChange(d: DeploymentInfo): string {
  if (d.on_alias_change === "swap") return "swap (the new version serves all traffic at once)";
  const r = d.rollout;
  const extras = [
    r.shadow_first ? "shadow first" : "",
    r.webhooks.length ? `${r.webhooks.length} webhook${r.webhooks.length > 1 ? "s" : ""}` : "",
    r.prometheus ? `prometheus ${r.prometheus.url}` : "",
    r.notify_url ? `notify ${r.notify_url}` : "",
  ].filter(Boolean);
  const steps = `steps ${r.steps.join(",")} %, every ${r.interval_ms / 1000} s, threshold ${r.threshold}`;
  return `rollout (${[steps, ...extras].join(", ")})`;
}

function routing(d: DeploymentInfo): string {
  return d.routing_key ? formatRoutingKey(d.routing_key) : "-";
}

/** A retention in whole days when it is one (`30d`), else as durations are written elsewhere. */
function retention(ms: number): string {
  return ms % 86_400_000 === 0 ? `${ms / 86_400_000}d` : formatDuration(ms);
}

/** The deployment listing as an aligned table. */
export function formatDeploymentList(deployments: DeploymentInfo[]): string {
  if (deployments.length === 0) {
    return "No deployments. Create one with: modelworks deployments create NAME --model MODEL@ALIAS";
  }
  const rows = deployments.map((d) => [
    d.name,
    d.status,
    d.primary,
    traffic(d),
    routing(d),
    String(d.generation),
    when(d.updated_time),
  ]);
  return alignRows([["NAME", "STATUS", "PRIMARY", "CANDIDATE", "ROUTING KEY", "GEN", "UPDATED"], ...rows]).join("\n");
}

/**
 * One deployment's settings under a heading (e.g. "Created deployment"), then, when given, what each
 * serving process reports it serves and the recent events.
 */
export function formatDeployment(
  d: DeploymentInfo,
  events?: DeploymentEventInfo[],
  heading = "Deployment",
  serving?: ServingInstanceInfo[],
): string {
  const key = d.routing_key ? `${formatRoutingKey(d.routing_key)} (${d.routing_key.source})` : "-";
  const lines = [
    `${heading} ${d.name} (${d.status}, generation ${d.generation})${d.description ? ` — ${d.description}` : ""}`,
    `  primary:      ${d.primary}${d.primary_version !== undefined ? ` (serving version ${d.primary_version})` : ""}`,
    `  candidate:    ${traffic(d)}`,
    `  alias change: ${aliasChange(d)}`,
    `  routing key:  ${key}`,
    `  log sampling: ${d.log_sampling}`,
    `  log kept:     ${retention(d.log_retention_ms)}${d.archive_log ? ", closed days archived to the artifact store" : ""}`,
    `  features:     ${d.features ? `${d.features.service} (missing features: ${d.features.missing})` : "-"}`,
    `  created:      ${when(d.created_time)}`,
    `  updated:      ${when(d.updated_time)}`,
  ];
  if (serving) lines.push("", ...servingRows(serving));
  if (events) lines.push("", events.length ? "Recent events:" : "No events.", ...eventRows(events, "  "));
  return lines.join("\n");
}

/** Each serving process: where it runs, what it answers with, and whether that is the stored generation. */
function servingRows(serving: ServingInstanceInfo[]): string[] {
  if (serving.length === 0) return ["No serving process has reported this deployment."];
  const answers = (s: ServingInstanceInfo) => {
    if (s.served.length === 0) return "nothing";
    const primary = s.served.find((v) => v.variant === "primary");
    const candidate = s.served.find((v) => v.variant === "candidate");
    const p = primary ? `${primary.model}/${primary.version}` : "?";
    if (!candidate) return p;
    const share = s.shadow ? "shadow" : `${s.candidate_weight}%`;
    return `${p} + ${candidate.model}/${candidate.version} at ${share}`;
  };
  const rows = serving.map((s) => [
    `${s.kind} ${s.host}:${s.pid}`,
    answers(s),
    String(s.generation),
    s.state,
    when(s.seen_time),
    s.last_error ?? "",
  ]);
  const table = alignRows([["PROCESS", "SERVES", "GEN", "STATE", "SEEN", "ERROR"], ...rows]);
  return ["Serving processes:", ...table.map((l) => `  ${l.trimEnd()}`)];
}

/** Events, newest first, as an aligned table. */
export function formatEvents(events: DeploymentEventInfo[]): string {
  if (events.length === 0) return "No events.";
  return eventRows(events, "").join("\n");
}

function eventRows(events: DeploymentEventInfo[], indent: string): string[] {
  if (events.length === 0) return [];
  // Who caused it: the signed-in user of the request; background work (controller, monitors) is `-`.
  const actor = (e: DeploymentEventInfo) => (typeof e.data?.actor === "string" ? e.data.actor : "-");
  const rows = events.map((e) => [when(e.time), e.type, actor(e), e.message]);
  return alignRows([["TIME", "TYPE", "ACTOR", "MESSAGE"], ...rows]).map((l) => indent + l);
}
