/**
 * The alias watcher: a deployment following `MODEL@ALIAS` under the `rollout` policy serves the
 * version it is pinned to; when the alias names another version, the watcher starts a rollout of it
 * with the deployment's rollout settings (promotion re-pins, a rollback puts the alias back). A move
 * during that rollout aborts it and rolls the newest version out; a move back to the served version
 * just aborts it. It runs beside the rollout controller, one replica per deployment (a lease).
 */
import { redactSecrets } from "../../auth/redact.js";
import type { Clock } from "../../core/clock.js";
import { isMwError } from "../../core/errors.js";
import type { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import type { Deployment } from "../../serving/deployments/deployment.js";
import type { DeploymentService } from "../../serving/deployments/deployment-service.js";
import { parseModelRef } from "../../serving/model-resolver.js";
import { rolloutInputOf } from "../deployment-rollout-settings.js";
import type { AliasMove, Rollout } from "../rollout.js";
import { isActivePhase } from "../rollout.js";
import type { RolloutService } from "../rollout-service.js";
import { aliasVersion } from "./alias-restore.js";

export interface AliasWatcherDeps {
  deployments: DeploymentService;
  registry: RegistryStore;
  rollouts: RolloutService;
  /** This replica's job leases: one replica at a time watches a deployment (`alias-watch/NAME`). */
  leases: LeaseKeeper;
  clock: Clock;
  /** True when this process serves the deployment: only its replicas watch it (as they drive its rollouts). */
  serves(deployment: string): boolean;
  /** Who last moved `model@alias` to `version` (the audit log), when known. */
  movedBy?(model: string, alias: string, version: string): Promise<string | undefined>;
  warn?(message: string): void;
}

/** The lease names of alias watches: `alias-watch/DEPLOYMENT`. */
const LEASE_PREFIX = "alias-watch/";

/** Watches the aliases of the deployments this process serves; `tick()` once per controller tick. */
export class AliasWatcher {
  /** Moves whose rollout could not start, per deployment generation: reported once, retried when it changes. */
  private readonly refused = new Map<string, string>();

  constructor(private readonly deps: AliasWatcherDeps) {}

  /** One pass over the active deployments that follow an alias under the `rollout` policy. */
  async tick(): Promise<void> {
    const deployments = await this.deps.deployments.list({ status: "active" });
    const watched = deployments.filter(
      (d) => d.onAliasChange === "rollout" && parseModelRef(d.primary).alias !== undefined && this.deps.serves(d.name),
    );
    const names = new Set(watched.map((d) => d.name));
    for (const lease of this.deps.leases.held(LEASE_PREFIX)) {
      if (!names.has(lease.slice(LEASE_PREFIX.length))) await this.deps.leases.release(lease);
    }
    for (const d of watched) {
      if (!(await this.deps.leases.hold(`${LEASE_PREFIX}${d.name}`))) continue;
      try {
        await this.watch(d);
      } catch (e) {
        // A concurrent change (a manual command, another writer): the next tick reads it again.
        if (!(isMwError(e) && e.code === "RESOURCE_CONFLICT")) {
          this.deps.warn?.(`alias watch of ${d.name}: ${(e as Error).message}`);
        }
      }
    }
  }

  /** Give up every lease held (the process is stopping). */
  async stop(): Promise<void> {
    await this.deps.leases.releaseAll(LEASE_PREFIX);
  }

  /** Compare what the alias names with what the deployment serves and act on the difference. */
  async watch(d: Deployment): Promise<void> {
    const ref = parseModelRef(d.primary);
    const alias = ref.alias as string;
    const named = await aliasVersion(this.deps.registry, ref.name, alias);
    // An alias removed: keep serving the pinned version (nothing to roll out).
    if (named === undefined) return;
    if (d.primaryVersion === undefined) {
      // A deployment from before pinning (or one whose pin was cleared): pin what it serves now.
      await this.deps.deployments.update(d.name, { primaryVersion: named }, { expectedGeneration: d.generation });
      return;
    }
    const latest = (await this.deps.rollouts.list(d.name, 1))[0];
    if (latest && !latest.settled) {
      // Ending, or promoting: its settle or promotion moves aliases and pins; look again after it.
      if (!isActivePhase(latest.phase) || latest.promotion) return;
      if (latest.spec.candidate === `${ref.name}/${named}`) return;
      if (named === d.primaryVersion) {
        if (latest.aliasMove) {
          await this.abort(latest, `aborted: ${ref.name}@${alias} moved back to ${named}, the version served`);
        }
        return;
      }
      await this.abort(latest, `aborted: ${ref.name}@${alias} moved again, to ${named}; rolling ${named} out instead`);
    }
    if (named === d.primaryVersion) return;
    await this.startRollout(await this.deps.deployments.get(d.name), ref.name, alias, named);
  }

  private async startRollout(d: Deployment, model: string, alias: string, to: string): Promise<void> {
    const from = d.primaryVersion as string;
    const key = `${from}->${to}@${d.generation}`;
    if (this.refused.get(d.name) === key) return;
    const movedBy = await this.deps.movedBy?.(model, alias, to).catch(() => undefined);
    const move: AliasMove = { model, alias, from, to, ...(movedBy ? { movedBy } : {}) };
    const by = movedBy ? ` by ${movedBy}` : "";
    await this.deps.deployments.addEvent({
      deployment: d.name,
      type: "alias_moved",
      message: `${model}@${alias} moved from ${from} to ${to}${by}; rolling ${model}/${to} out as a canary`,
      data: { model, alias, from, to, ...(movedBy ? { moved_by: movedBy } : {}) },
    });
    try {
      await this.deps.rollouts.start(d.name, rolloutInputOf(d.rollout, `${model}/${to}`), { aliasMove: move });
      this.refused.delete(d.name);
    } catch (e) {
      // Another replica started it first (one active rollout per deployment): nothing to report.
      if (isMwError(e) && e.code === "RESOURCE_ALREADY_EXISTS") return;
      this.refused.set(d.name, key);
      const message = redactSecrets(
        `Could not roll out ${model}/${to} for ${model}@${alias}: ${(e as Error).message}; still serving ${model}/${from}`,
      );
      await this.deps.deployments.addEvent({
        deployment: d.name,
        type: "alias_rollout_failed",
        message,
        data: { model, alias, from, to, error: redactSecrets((e as Error).message) },
      });
    }
  }

  private async abort(r: Rollout, reason: string): Promise<void> {
    await this.deps.rollouts.actions.finish(r, "rolled_back", reason);
  }
}
