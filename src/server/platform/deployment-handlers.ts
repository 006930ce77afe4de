/** Handlers for the deployment routes of the platform API (used by the server and the in-process CLI). */

import type { Readable } from "node:stream";
import { redactDeep, redactSecrets } from "../../auth/redact.js";
import type {
  DeploymentEventInfo,
  DeploymentInfo,
  DeploymentRouteName,
  ServingInstanceInfo,
} from "../../core/api/platform-routes.js";
import { invalidParam } from "../../core/errors.js";
import { rolloutSettingsFromWire, rolloutSettingsInfo } from "../../rollout/deployment-rollout-settings.js";
import type {
  AliasChangePolicy,
  Deployment,
  DeploymentEvent,
  DeploymentFeatures,
  DeploymentPatch,
  NewDeployment,
  RoutingKey,
} from "../../serving/deployments/deployment.js";
import type { DeploymentService } from "../../serving/deployments/deployment-service.js";
import { parseRoutingKey } from "../../serving/deployments/routing-key.js";
import type { ServingReport, ServingState } from "../../serving/deployments/serving-report.js";
import type { PlatformHandlers } from "./handlers.js";

export type DeploymentHandlers = Pick<PlatformHandlers, DeploymentRouteName>;

/** How many events `GET /deployments/:name` includes. */
const RECENT_EVENTS = 20;

/** The deployment handlers over a deployment service. */
export function deploymentHandlers(deployments: DeploymentService): DeploymentHandlers {
  return {
    listDeployments: async (req) => ({
      deployments: (await deployments.list(req.status ? { status: req.status } : {})).map(toDeploymentInfo),
    }),
    createDeployment: async (req, body) => {
      requireJson(body);
      // The create route's schema has no nullable fields, so the patch holds no removals.
      const input = { name: req.name, primary: req.primary, ...settingsPatch(req) } as NewDeployment;
      const created = await deployments.create(input);
      return { deployment: toDeploymentInfo(created) };
    },
    getDeployment: async (req) => {
      const deployment = await deployments.get(req.name);
      const events = await deployments.events(req.name, { limit: RECENT_EVENTS });
      const serving = await deployments.servingStatus(req.name, deployment.generation);
      return {
        deployment: toDeploymentInfo(deployment),
        events: events.map(toEventInfo),
        serving: serving.map(toServingInfo),
      };
    },
    updateDeployment: async (req, body) => {
      requireJson(body);
      const patch: DeploymentPatch = { ...settingsPatch(req) };
      if (req.primary !== undefined) patch.primary = req.primary;
      if (req.status !== undefined) patch.status = req.status;
      // A change made through the API loads the models it names once: one that cannot load is refused.
      const options = {
        checkLoad: true,
        ...(req.expected_generation === undefined ? {} : { expectedGeneration: req.expected_generation }),
      };
      return { deployment: toDeploymentInfo(await deployments.update(req.name, patch, options)) };
    },
    deleteDeployment: async (req) => {
      await deployments.delete(req.name);
      return {};
    },
    listDeploymentEvents: async (req) => {
      const options = {
        ...(req.limit !== undefined ? { limit: req.limit } : {}),
        ...(req.since_time !== undefined ? { sinceTime: req.since_time } : {}),
      };
      return { events: (await deployments.events(req.name, options)).map(toEventInfo) };
    },
  };
}

/** The wire's settings fields (snake_case; `null` removes) as a patch. */
interface SettingsFields {
  candidate?: string | null;
  candidate_weight?: number;
  shadow?: boolean;
  routing_key?: unknown;
  log_sampling?: number;
  log_retention_ms?: number;
  archive_log?: boolean;
  description?: string | null;
  on_alias_change?: AliasChangePolicy;
  rollout?: unknown;
  features?: unknown;
}

function settingsPatch(req: SettingsFields): DeploymentPatch {
  const patch: DeploymentPatch = {};
  if (req.candidate !== undefined) patch.candidate = req.candidate;
  if (req.candidate_weight !== undefined) patch.candidateWeight = req.candidate_weight;
  if (req.shadow !== undefined) patch.shadow = req.shadow;
  if (req.routing_key !== undefined) patch.routingKey = routingKeyFrom(req.routing_key);
  if (req.log_sampling !== undefined) patch.logSampling = req.log_sampling;
  if (req.log_retention_ms !== undefined) patch.logRetentionMs = req.log_retention_ms;
  if (req.archive_log !== undefined) patch.archiveLog = req.archive_log;
  if (req.description !== undefined) patch.description = req.description;
  if (req.on_alias_change !== undefined) patch.onAliasChange = req.on_alias_change;
  if (req.rollout !== undefined) patch.rollout = req.rollout === null ? null : rolloutSettingsFromWire(req.rollout);
  if (req.features !== undefined) patch.features = req.features as DeploymentFeatures | null;
  return patch;
}

/** `COL`, `header:NAME`, or the `{source, name}` object a read returns; `null` removes the key. */
function routingKeyFrom(value: unknown): RoutingKey | null {
  if (value === null) return null;
  if (typeof value === "string") return parseRoutingKey(value);
  if (typeof value === "object" && !Array.isArray(value)) {
    const { source, name } = value as Record<string, unknown>;
    return { source, name } as RoutingKey;
  }
  throw invalidParam(`Invalid value for parameter 'routing_key': expected "COLUMN" or "header:NAME".`);
}

/** Settings travel as JSON; a raw body here is a client sending the wrong content type. */
function requireJson(body: Readable | undefined): void {
  if (body) {
    body.resume();
    throw invalidParam("Invalid request body: expected JSON with Content-Type: application/json.");
  }
}

/** A deployment as the platform API's snake_case wire object. */
export function toDeploymentInfo(d: Deployment): DeploymentInfo {
  return {
    name: d.name,
    primary: d.primary,
    ...(d.primaryVersion !== undefined ? { primary_version: d.primaryVersion } : {}),
    on_alias_change: d.onAliasChange,
    rollout: rolloutSettingsInfo(d.rollout),
    ...(d.candidate !== undefined ? { candidate: d.candidate } : {}),
    candidate_weight: d.candidateWeight,
    shadow: d.shadow,
    ...(d.routingKey ? { routing_key: { source: d.routingKey.source, name: d.routingKey.name } } : {}),
    ...(d.features ? { features: { service: d.features.service, missing: d.features.missing } } : {}),
    log_sampling: d.logSampling,
    log_retention_ms: d.logRetentionMs,
    archive_log: d.archiveLog,
    status: d.status,
    generation: d.generation,
    ...(d.description !== undefined ? { description: d.description } : {}),
    created_time: d.createdTime,
    updated_time: d.updatedTime,
  };
}

/** An event on the wire. */
export function toEventInfo(e: DeploymentEvent): DeploymentEventInfo {
  // Rollout events are redacted when written; this also covers events recorded before that.
  return {
    id: e.id,
    deployment: e.deployment,
    time: e.time,
    type: e.type,
    message: redactSecrets(e.message),
    ...(e.data !== undefined ? { data: redactDeep(e.data) } : {}),
  };
}

/** A serving report on the wire. */
function toServingInfo(r: ServingReport & { state: ServingState }): ServingInstanceInfo {
  return {
    instance: r.instance,
    kind: r.kind,
    host: r.host,
    pid: r.pid,
    ...(r.url !== undefined ? { url: r.url } : {}),
    served: r.served,
    candidate_weight: r.candidateWeight,
    shadow: r.shadow,
    generation: r.generation,
    state: r.state,
    ...(r.lastError !== undefined ? { last_error: redactSecrets(r.lastError) } : {}),
    started_time: r.startedTime,
    seen_time: r.seenTime,
  };
}
