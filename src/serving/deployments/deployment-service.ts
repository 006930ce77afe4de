/**
 * Managing deployments: every change is validated against the registry and the deployment's rules
 * before it is stored, and recorded as an event.
 */

import { currentActor } from "../../core/actor.js";
import type { Clock } from "../../core/clock.js";
import { invalidParam, isMwError, MwError } from "../../core/errors.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import { parseModelRef } from "../model-resolver.js";
import type {
  AliasChangePolicy,
  Deployment,
  DeploymentEvent,
  DeploymentPatch,
  DeploymentRolloutSettings,
  DeploymentStatus,
  NewDeployment,
} from "./deployment.js";
import { ALIAS_CHANGE_POLICIES } from "./deployment.js";
import { changedSettings, describeChanges, patchBetween, settingsOf } from "./deployment-changes.js";
import type { DeploymentStore } from "./deployment-store.js";
import {
  checkConsistency,
  normalizeModelRef,
  validateDeploymentName,
  validateDescription,
  validateFeatures,
  validateLogRetention,
  validateRoutingKey,
  validateSampling,
  validateStatus,
  validateWeight,
} from "./deployment-validation.js";
import type { ModelLoadCheck } from "./model-load-check.js";
import { checkLoadable } from "./model-load-check.js";
import { pinFor, repin } from "./primary-pin.js";
import { checkSettingsShape, mergeRolloutSettings } from "./rollout-settings.js";
import type { ServingReport, ServingState } from "./serving-report.js";
import { SERVING_REPORT_FORGET_MS, servingState } from "./serving-report.js";

export interface DeploymentServiceDeps {
  store: DeploymentStore;
  registry: RegistryStore;
  clock: Clock;
  /**
   * Checks rollout settings (values, allowed URLs) and returns them normalized; invalidParam naming
   * the field. The rollout module provides it; without it only the shape is checked.
   */
  checkRollout?: (settings: DeploymentRolloutSettings) => DeploymentRolloutSettings;
  /**
   * Loads a model reference once and releases it (the serving loader); `create` and `update` with
   * `checkLoad` refuse a model that cannot load. Absent: models are only looked up in the registry.
   */
  checkLoad?: ModelLoadCheck;
}

/** Options of {@link DeploymentService.update}. */
export interface UpdateOptions {
  /** Refuse with RESOURCE_CONFLICT unless the deployment is at this generation. */
  expectedGeneration?: number;
  /**
   * Load every model reference the patch changes and refuse one that cannot load (a person's
   * change). Rollouts leave it off: their candidate was checked when they started, and undoing a
   * promotion must not depend on loading the former primary again.
   */
  checkLoad?: boolean;
}

/** A new event; the time defaults to now. */
export type NewDeploymentEvent = Omit<DeploymentEvent, "id" | "time"> & { time?: number };

// Without a caller's expected generation, a concurrent writer only makes us re-read and re-apply.
const UPDATE_ATTEMPTS = 5;
const MAX_EVENTS = 1000;

/** Create, change and remove deployments with validation and an event trail. */
export class DeploymentService {
  constructor(private readonly deps: DeploymentServiceDeps) {}

  /** Validate and store a new deployment; records a `created` event. */
  async create(input: NewDeployment): Promise<Deployment> {
    const { name, ...fields } = input;
    validateDeploymentName(name);
    if (fields.primary === undefined || fields.primary === null) throw missing("primary");
    const clean = withoutNulls(await this.cleanPatch(fields));
    await this.checkModels(clean);
    const draft = {
      candidateWeight: 0,
      shadow: false,
      onAliasChange: "rollout" as AliasChangePolicy,
      ...clean,
      name,
      primary: clean.primary as string,
    };
    if (draft.rollout) draft.rollout = this.checkRollout(draft.rollout);
    checkConsistency(draft);
    const pin = await pinFor(this.deps.registry, draft);
    const created = await this.deps.store.create({ ...draft, ...(pin !== undefined ? { primaryVersion: pin } : {}) });
    await this.record(name, "created", `Created deployment ${name} serving ${created.primary}`, settingsOf(created));
    return created;
  }

  /** One deployment; RESOURCE_DOES_NOT_EXIST when missing. */
  get(name: string): Promise<Deployment> {
    return this.deps.store.get(name);
  }

  /** Every deployment by name, optionally only those with a status. */
  async list(filter: { status?: DeploymentStatus } = {}): Promise<Deployment[]> {
    return this.deps.store.list(filter.status === undefined ? {} : { status: validateStatus(filter.status) });
  }

  /**
   * Validate and apply a change; records an `updated` event listing each changed field. Removing
   * the candidate resets the weight and shadow mode; turning shadow mode on sets the weight to 0.
   * A change that changes nothing returns the deployment as it is (same generation, no event).
   */
  async update(name: string, patch: DeploymentPatch, options: UpdateOptions = {}): Promise<Deployment> {
    const clean = await this.cleanPatch(patch);
    if (options.checkLoad) await this.checkModels(clean, await this.deps.store.get(name));
    for (let attempt = 1; ; attempt++) {
      const current = await this.deps.store.get(name);
      const expected = options.expectedGeneration ?? current.generation;
      if (current.generation !== expected) throw conflict(name, current.generation, expected);
      const next = applyPatch(current, clean);
      if (clean.rollout) next.rollout = this.checkRollout(next.rollout as DeploymentRolloutSettings);
      checkConsistency(next);
      await repin(this.deps.registry, current, next, clean);
      const changes = changedSettings(current, next);
      if (Object.keys(changes).length === 0) return current;
      try {
        const updated = await this.deps.store.update(name, patchBetween(current, next), {
          expectedGeneration: expected,
        });
        await this.record(name, "updated", `Changed ${describeChanges(changes)}`, changes);
        return updated;
      } catch (e) {
        const retry = options.expectedGeneration === undefined && attempt < UPDATE_ATTEMPTS;
        if (!(retry && isMwError(e) && e.code === "RESOURCE_CONFLICT")) throw e;
      }
    }
  }

  /** Remove a deployment and its events, leaving one `deleted` event as the record of it. */
  async delete(name: string): Promise<void> {
    const last = await this.deps.store.get(name);
    await this.deps.store.delete(name);
    await this.record(name, "deleted", `Deleted deployment ${name}`, settingsOf(last));
  }

  /** A deployment's events, newest first; RESOURCE_DOES_NOT_EXIST when it has none and does not exist. */
  async events(name: string, options: { limit?: number; sinceTime?: number } = {}): Promise<DeploymentEvent[]> {
    const limit = options.limit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENTS)) {
      throw invalidParam(`Invalid value for 'limit': expected an integer from 1 to ${MAX_EVENTS}, got ${limit}.`);
    }
    const events = await this.deps.store.listEvents(name, options);
    if (events.length === 0) await this.deps.store.get(name);
    return events;
  }

  /** What each serving process reported it serves for `name`, with its state against `generation`. */
  async servingStatus(name: string, generation: number): Promise<(ServingReport & { state: ServingState })[]> {
    const now = this.deps.clock.now();
    const reports = await this.deps.store.listServing(name);
    return reports.map((r) => ({ ...r, state: servingState(r, generation, now) }));
  }

  /** Store a serving process's reports and forget those of processes gone for an hour. */
  async reportServing(reports: readonly ServingReport[]): Promise<void> {
    await this.deps.store.reportServing(reports);
    await this.deps.store.forgetServing({ seenBefore: this.deps.clock.now() - SERVING_REPORT_FORGET_MS });
  }

  /** A stopping process withdraws its reports (or the one of a deployment it no longer serves). */
  forgetInstance(instance: string, deployment?: string): Promise<void> {
    return this.deps.store.forgetServing(deployment === undefined ? { instance } : { instance, deployment });
  }

  /** Append an event (e.g. `model_loaded`, `load_failed`) to a deployment's trail. */
  async addEvent(event: NewDeploymentEvent): Promise<DeploymentEvent> {
    if (!/^[a-z][a-z0-9_]{0,63}$/.test(event.type)) {
      throw invalidParam(
        `Invalid value for 'type': expected a lower-case word such as model_loaded, got '${event.type}'.`,
      );
    }
    const data = withActor(event.data);
    return this.deps.store.addEvent({
      ...event,
      time: event.time ?? this.deps.clock.now(),
      ...(data ? { data } : {}),
    });
  }

  private async record(name: string, type: string, message: string, data: Record<string, unknown>): Promise<void> {
    await this.deps.store.addEvent({
      deployment: name,
      time: this.deps.clock.now(),
      type,
      message,
      data: withActor(data),
    });
  }

  /** Check every field present in a patch; model references must exist in the registry. */
  private async cleanPatch(patch: DeploymentPatch): Promise<DeploymentPatch> {
    const clean: DeploymentPatch = { ...patch };
    if (patch.primary !== undefined) clean.primary = await this.existingRef("primary", patch.primary);
    if (patch.candidate !== undefined && patch.candidate !== null) {
      clean.candidate = await this.existingRef("candidate", patch.candidate);
    }
    if (patch.candidateWeight !== undefined) clean.candidateWeight = validateWeight(patch.candidateWeight);
    if (patch.shadow !== undefined && typeof patch.shadow !== "boolean") {
      throw invalidParam("Invalid value for 'shadow': expected true or false.");
    }
    if (patch.routingKey !== undefined && patch.routingKey !== null) {
      clean.routingKey = validateRoutingKey(patch.routingKey);
    }
    if (patch.logSampling !== undefined) clean.logSampling = validateSampling(patch.logSampling);
    if (patch.logRetentionMs !== undefined) clean.logRetentionMs = validateLogRetention(patch.logRetentionMs);
    if (patch.archiveLog !== undefined && typeof patch.archiveLog !== "boolean") {
      throw invalidParam("Invalid value for 'archive_log': expected true or false.");
    }
    if (patch.status !== undefined) clean.status = validateStatus(patch.status);
    if (patch.description !== undefined && patch.description !== null) {
      clean.description = validateDescription(patch.description);
    }
    if (patch.onAliasChange !== undefined && !ALIAS_CHANGE_POLICIES.includes(patch.onAliasChange)) {
      throw invalidParam(
        `Invalid value for 'on_alias_change': expected rollout or swap, got ${JSON.stringify(patch.onAliasChange)}.`,
      );
    }
    if (patch.rollout !== undefined && patch.rollout !== null) clean.rollout = checkSettingsShape(patch.rollout);
    if (patch.features !== undefined && patch.features !== null) clean.features = validateFeatures(patch.features);
    return clean;
  }

  private checkRollout(settings: DeploymentRolloutSettings): DeploymentRolloutSettings {
    return this.deps.checkRollout ? this.deps.checkRollout(settings) : settings;
  }

  /** Load the primary and candidate a patch sets (those that differ from `current`'s); refuse one that cannot load. */
  private async checkModels(patch: DeploymentPatch, current?: Deployment): Promise<void> {
    const check = this.deps.checkLoad;
    if (!check) return;
    if (typeof patch.primary === "string" && patch.primary !== current?.primary)
      await checkLoadable(check, "primary", patch.primary);
    if (typeof patch.candidate === "string" && patch.candidate !== current?.candidate)
      await checkLoadable(check, "candidate", patch.candidate);
  }

  /** The canonical reference, after checking the alias or version exists. */
  private async existingRef(field: string, text: unknown): Promise<string> {
    const canonical = normalizeModelRef(field, text);
    const ref = parseModelRef(canonical);
    try {
      if (ref.alias !== undefined)
        await this.deps.registry.getModelVersionByAlias({ name: ref.name, alias: ref.alias });
      else await this.deps.registry.getModelVersion({ name: ref.name, version: ref.version as string });
    } catch (e) {
      if (!isMwError(e) || e.status >= 500) throw e;
      throw invalidParam(`Invalid value for '${field}': ${canonical} is not in the model registry (${e.message}).`);
    }
    return canonical;
  }
}

/** The deployment a validated patch would produce, with the implied resets applied. */
function applyPatch(current: Deployment, patch: DeploymentPatch): Deployment {
  const next: Deployment = { ...current };
  if (patch.primary !== undefined) next.primary = patch.primary;
  if (patch.candidate === null) {
    delete next.candidate;
    next.candidateWeight = 0;
    next.shadow = false;
  } else if (patch.candidate !== undefined) next.candidate = patch.candidate;
  if (patch.shadow === true && patch.candidateWeight === undefined) next.candidateWeight = 0;
  if (patch.candidateWeight !== undefined) next.candidateWeight = patch.candidateWeight;
  if (patch.shadow !== undefined) next.shadow = patch.shadow;
  if (patch.routingKey === null) delete next.routingKey;
  else if (patch.routingKey !== undefined) next.routingKey = patch.routingKey;
  if (patch.logSampling !== undefined) next.logSampling = patch.logSampling;
  if (patch.logRetentionMs !== undefined) next.logRetentionMs = patch.logRetentionMs;
  if (patch.archiveLog !== undefined) next.archiveLog = patch.archiveLog;
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.description === null) delete next.description;
  else if (patch.description !== undefined) next.description = patch.description;
  if (patch.onAliasChange !== undefined) next.onAliasChange = patch.onAliasChange;
  if (patch.features === null) delete next.features;
  else if (patch.features !== undefined) next.features = patch.features;
  if (patch.rollout === null) delete next.rollout;
  else if (patch.rollout !== undefined) next.rollout = mergeRolloutSettings(current.rollout, patch.rollout);
  return next;
}

/** A patch's present fields as new-deployment fields (a new deployment has nothing to remove). */
function withoutNulls(patch: DeploymentPatch): Omit<NewDeployment, "name" | "primary"> & { primary?: string } {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== null && v !== undefined));
}

function missing(field: string): MwError {
  return invalidParam(`Missing value for required parameter '${field}'.`);
}

function conflict(name: string, actual: number, expected: number): MwError {
  return new MwError(
    "RESOURCE_CONFLICT",
    `Deployment '${name}' is at generation ${actual}, not the expected ${expected}; read it again and retry.`,
  );
}

/** An event's evidence with who caused it (the signed-in user of the request), when a request did. */
function withActor(data: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const actor = currentActor();
  return actor === undefined ? data : { ...data, actor };
}
