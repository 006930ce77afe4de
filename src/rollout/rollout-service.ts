/**
 * Starting rollouts and the manual commands (status, promote, abort, rollback). The controller
 * drives active rollouts; these work without one (a CLI against the embedded store), since each
 * writes the record and applies it at once.
 */
import { randomUUID } from "node:crypto";
import { invalidParam, isMwError, MwError, notFound } from "../core/errors.js";
import type { DeploymentEvent } from "../serving/deployments/deployment.js";
import { servedPrimaryRef } from "../serving/deployments/deployment.js";
import { checkLoadable } from "../serving/deployments/model-load-check.js";
import { parseModelRef } from "../serving/model-resolver.js";
import { assertThresholdsFitKind } from "./kind-thresholds.js";
import type { AliasMove, Rollout } from "./rollout.js";
import { isActivePhase } from "./rollout.js";
import type { RolloutDeps } from "./rollout-actions.js";
import { RolloutActions } from "./rollout-actions.js";
import type { RolloutSpecInput } from "./rollout-spec.js";
import { assertOutboundAllowed, resolveRolloutSpec } from "./rollout-spec.js";

/** A rollout and the events recorded about it, newest first. */
export interface RolloutStatus {
  rollout: Rollout;
  events: DeploymentEvent[];
}

const STATUS_EVENTS = 200;

/** Start, inspect and steer rollouts. */
export class RolloutService {
  readonly actions: RolloutActions;

  constructor(private readonly deps: RolloutDeps) {
    this.actions = new RolloutActions(deps);
  }

  /**
   * Start a rollout of `input.candidate` on a deployment: check the candidate loads (when a check
   * is configured), record the rollout and deploy the candidate at weight 0. `origin.aliasMove`
   * marks a rollout the alias watcher starts for a move of the primary's alias.
   */
  async start(deployment: string, input: RolloutSpecInput, origin: { aliasMove?: AliasMove } = {}): Promise<Rollout> {
    const d = await this.deps.deployments.get(deployment);
    if (d.status !== "active") {
      throw new MwError("INVALID_STATE", `Deployment '${deployment}' is stopped; start it before rolling out.`);
    }
    const latest = (await this.deps.store.list(deployment, { limit: 1 }))[0];
    if (latest && isActivePhase(latest.phase)) {
      throw new MwError(
        "RESOURCE_ALREADY_EXISTS",
        `Deployment '${deployment}' already has an active rollout (${latest.id}, ${latest.phase}); abort it first.`,
      );
    }
    if (d.candidate !== undefined) {
      throw new MwError(
        "INVALID_STATE",
        `Deployment '${deployment}' already has a candidate (${d.candidate}); abort its rollout or remove it first.`,
      );
    }
    const candidate = await this.candidateRef(input.candidate);
    if (candidate === (await this.versionOf(servedPrimaryRef(d)))) {
      throw invalidParam(`Invalid value for 'candidate': ${candidate} is already the primary of '${deployment}'.`);
    }
    const spec = resolveRolloutSpec(input, candidate);
    assertOutboundAllowed(spec, this.actions.outbound);
    await this.checkKinds(candidate, d.primary, input);
    const now = this.deps.clock.now();
    const r: Rollout = {
      id: randomUUID().replaceAll("-", "").slice(0, 16),
      deployment,
      spec,
      phase: "initializing",
      stepIndex: -1,
      weight: 0,
      failedChecks: 0,
      analyses: 0,
      primaryRef: d.primary,
      createdTime: now,
      updatedTime: now,
      stepStartedTime: now,
      settled: false,
      generation: 1,
      ...(origin.aliasMove ? { aliasMove: origin.aliasMove } : {}),
    };
    await this.deps.store.create(r);
    try {
      await this.actions.applyTraffic(r);
    } catch (e) {
      await this.actions.finish(r, "rolled_back", `could not deploy the candidate: ${(e as Error).message}`);
      throw e;
    }
    const move = origin.aliasMove;
    const why = move ? ` for ${move.model}@${move.alias} moved from ${move.from} to ${move.to}` : "";
    const message = `Started rollout of ${candidate} on ${deployment}${why} (steps ${spec.steps.join(", ")} %, every ${spec.intervalMs} ms, threshold ${spec.threshold})`;
    // The spec's URLs are redacted in the event, as everything an event holds.
    await this.actions.event(r, "rollout_started", message, {
      candidate,
      primary: d.primary,
      spec,
      ...(move ? { alias_move: move } : {}),
    });
    await this.actions.notify(r, "started", message);
    return r;
  }

  /** With a model loader: the candidate is of the primary's kind, and the thresholds given fit that kind. */
  private async checkKinds(candidate: string, primary: string, input: RolloutSpecInput): Promise<void> {
    const check = this.deps.checkLoad;
    if (!check) return;
    // The candidate must load here (it is refused with the reason otherwise); the primary serves
    // already, so one this process cannot load only leaves the kind comparison out.
    const kind = await checkLoadable(check, "candidate", candidate);
    const primaryKind = await check(primary).catch(() => undefined);
    if (primaryKind !== undefined && primaryKind !== kind) {
      throw invalidParam(
        `Invalid value for 'candidate': ${candidate} is a ${kind} model and the primary ${primary} a ${primaryKind} one; a canary compares models of one kind.`,
      );
    }
    assertThresholdsFitKind(input.thresholds, kind, candidate);
  }

  /** The latest rollout of a deployment with its events; RESOURCE_DOES_NOT_EXIST when it has none. */
  async status(deployment: string): Promise<RolloutStatus> {
    const r = await this.latest(deployment);
    const events = await this.deps.deployments
      .events(deployment, { sinceTime: r.createdTime, limit: STATUS_EVENTS })
      .catch((e: unknown) => (isMwError(e) && e.code === "RESOURCE_DOES_NOT_EXIST" ? [] : Promise.reject(e)));
    return { rollout: r, events: events.filter((e) => e.data?.rollout_id === r.id) };
  }

  /** A deployment's rollouts, newest first. */
  list(deployment: string, limit = 20): Promise<Rollout[]> {
    return this.deps.store.list(deployment, { limit });
  }

  /** Skip the remaining steps and analysis: promote the active rollout's candidate now. */
  async promote(deployment: string): Promise<Rollout> {
    const r = await this.active(deployment, "promote");
    const full = await this.actions.save(
      { ...r, phase: "promoting", weight: 100 },
      "rollout_step",
      "Promotion requested: full traffic to the candidate",
      {
        manual: true,
      },
    );
    await this.actions.applyTraffic(full);
    return this.actions.promote(full, "promoted by request (remaining steps and analysis skipped)", { manual: true });
  }

  /** Stop the active rollout: all traffic back to the primary, candidate removed. */
  abort(deployment: string, reason = "by request"): Promise<Rollout> {
    return this.active(deployment, "abort").then((r) => this.actions.finish(r, "rolled_back", `aborted ${reason}`));
  }

  /**
   * Undo the latest promotion: the alias goes back to the former champion and the primary to what
   * it was. On an active rollout this is an abort.
   */
  async rollback(deployment: string): Promise<Rollout> {
    const r = await this.latest(deployment);
    if (isActivePhase(r.phase)) return this.abort(deployment, "by rollback request");
    if (r.phase !== "succeeded" || !r.promotion) {
      throw new MwError(
        "INVALID_STATE",
        `The latest rollout of '${deployment}' (${r.id}) ended ${r.phase}; only a promotion can be rolled back.`,
      );
    }
    const p = r.promotion;
    const target = p.previousVersion ? `${p.model}/${p.previousVersion}` : p.previousPrimary;
    return this.actions.finish(r, "rolled_back", `rolled back after promotion: ${p.alias} back to ${target}`, {
      promotion: p,
    });
  }

  private async latest(deployment: string): Promise<Rollout> {
    const r = (await this.deps.store.list(deployment, { limit: 1 }))[0];
    if (!r) throw notFound(`Deployment '${deployment}' has no rollouts.`);
    return r;
  }

  private async active(deployment: string, verb: string): Promise<Rollout> {
    const r = await this.latest(deployment);
    if (!isActivePhase(r.phase)) {
      throw new MwError(
        "INVALID_STATE",
        `Nothing to ${verb}: the latest rollout of '${deployment}' (${r.id}) is ${r.phase}.`,
      );
    }
    return r;
  }

  /** `MODEL/VERSION` for a candidate given as a version or an alias; invalidParam when not registered. */
  private async candidateRef(text: unknown): Promise<string> {
    if (typeof text !== "string" || text === "") {
      throw invalidParam("Missing value for required parameter 'candidate' (MODEL/VERSION).");
    }
    let ref: ReturnType<typeof parseModelRef>;
    try {
      ref = parseModelRef(text);
    } catch (e) {
      throw invalidParam(`Invalid value for 'candidate': ${(e as Error).message}`);
    }
    try {
      const v = ref.alias
        ? await this.deps.registry.getModelVersionByAlias({ name: ref.name, alias: ref.alias })
        : await this.deps.registry.getModelVersion({ name: ref.name, version: ref.version as string });
      return `${ref.name}/${v.version}`;
    } catch (e) {
      if (!isMwError(e) || e.status >= 500) throw e;
      throw invalidParam(`Invalid value for 'candidate': ${text} is not in the model registry (${e.message}).`);
    }
  }

  private async versionOf(ref: string): Promise<string | undefined> {
    return this.candidateRef(ref).catch(() => undefined);
  }
}
