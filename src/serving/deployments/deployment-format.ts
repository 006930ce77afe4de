/** Human-readable rendering of deployments and their events for the CLI (from the wire objects). */
import type { DeploymentEventInfo, DeploymentInfo } from "../../core/api/platform-routes.js";
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

function routing(d: DeploymentInfo): string {
  return d.routing_key ? formatRoutingKey(d.routing_key) : "-";
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

/** One deployment's settings under a heading (e.g. "Created deployment"), and its recent events when given. */
export function formatDeployment(d: DeploymentInfo, events?: DeploymentEventInfo[], heading = "Deployment"): string {
  const key = d.routing_key ? `${formatRoutingKey(d.routing_key)} (${d.routing_key.source})` : "-";
  const lines = [
    `${heading} ${d.name} (${d.status}, generation ${d.generation})${d.description ? ` — ${d.description}` : ""}`,
    `  primary:      ${d.primary}`,
    `  candidate:    ${traffic(d)}`,
    `  routing key:  ${key}`,
    `  log sampling: ${d.log_sampling}`,
    `  created:      ${when(d.created_time)}`,
    `  updated:      ${when(d.updated_time)}`,
  ];
  if (events) lines.push("", events.length ? "Recent events:" : "No events.", ...eventRows(events, "  "));
  return lines.join("\n");
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
