/**
 * The rollout controller: a loop in each serving process that drives the rollouts of the
 * deployments it serves. Each tick it takes (or renews) a lease on every open rollout — so with
 * several replicas one drives each rollout — makes the deployment match the record, and, when an
 * interval has passed since the window opened, runs the analysis and advances, holds or rolls back.
 * Windows live in memory: after a restart the rollout resumes at its recorded step and failed-check
 * count, with a fresh window.
 */

import type { Clock } from "../../core/clock.js";
import { isMwError } from "../../core/errors.js";
import type { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import type { ModelKind } from "../../runtimes/runtime.js";
import type { PredictionLogStore } from "../../serving/prediction-log/prediction-log-store.js";
import type { AliasWatcher } from "../alias/alias-watcher.js";
import { PrometheusClient } from "../analysis/prometheus/prometheus-client.js";
import { PrometheusWindowSource } from "../analysis/prometheus/prometheus-window-source.js";
import type { AnalysisWindow, WindowSource } from "../analysis/window-source.js";
import type { Rollout } from "../rollout.js";
import type { RolloutActions } from "../rollout-actions.js";
import type { RolloutStore } from "../rollout-store.js";
import { RolloutStepper } from "./rollout-stepper.js";

/** The kinds of a deployment's loaded models. */
export interface ServedKinds {
  primary?: ModelKind;
  candidate?: ModelKind;
}

/** What the controller needs to know about the serving side of its process. */
export interface ServedState {
  /** True when this process serves the deployment (its controller may drive the rollout). */
  serves(deployment: string): boolean;
  /** True once the deployment's runtime has loaded the candidate `MODEL/VERSION`. */
  candidateLoaded(deployment: string, candidate: string): boolean;
  /** The positive class of the deployment's primary model, if binary. */
  positiveClass(deployment: string): string | undefined;
  /** The kinds of the deployment's loaded primary and candidate (each absent while not loaded). */
  kinds(deployment: string): ServedKinds;
}

export interface RolloutControllerDeps {
  store: RolloutStore;
  /** This replica's job leases: a rollout is driven under `rollout/ID` (one replica at a time). */
  leases: LeaseKeeper;
  actions: RolloutActions;
  /** In-process windows (this replica's serving metrics). */
  windows: WindowSource;
  served: ServedState;
  clock: Clock;
  labels?: Pick<PredictionLogStore, "listLabeledScores">;
  /** Rolls alias moves of the deployments served here out (run first in each tick), when given. */
  aliasWatcher?: (leases: LeaseKeeper) => Pick<AliasWatcher, "tick" | "stop">;
  /** How often the loop runs (default 500 ms); analyses follow each rollout's own interval. */
  tickMs?: number;
  warn?: (message: string) => void;
}

/** An open window, keyed by the phase and step it measures. */
export interface OpenWindow {
  key: string;
  window: AnalysisWindow;
  openedAt: number;
}

/** The lease names of rollouts: `rollout/ID`. */
const LEASE_PREFIX = "rollout/";

/** Drives open rollouts; `start()` runs the loop, `tick()` runs it once (tests). */
export class RolloutController {
  private readonly tickMs: number;
  private readonly stepper: RolloutStepper;
  private readonly aliasWatcher: Pick<AliasWatcher, "tick" | "stop"> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: RolloutControllerDeps) {
    this.tickMs = deps.tickMs ?? 500;
    this.aliasWatcher = deps.aliasWatcher?.(deps.leases);
    this.stepper = new RolloutStepper({
      actions: deps.actions,
      clock: deps.clock,
      served: deps.served,
      windowsFor: (r) => this.windowsFor(r),
      prometheusFor: (r) => this.prometheusFor(r),
      ...(deps.labels ? { labels: deps.labels } : {}),
    });
  }

  /** Run the loop until {@link stop}. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, this.tickMs);
    this.timer.unref();
  }

  /** Stop the loop, wait for a tick in progress, and release the leases held. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.aliasWatcher?.stop().catch(() => {});
    await this.deps.leases.releaseAll(LEASE_PREFIX);
  }

  /** One pass over the open rollouts. */
  async tick(): Promise<void> {
    // Alias moves first: a rollout it starts or aborts is then driven in this same pass.
    await this.aliasWatcher?.tick().catch((e: unknown) => this.deps.warn?.(`alias watch: ${(e as Error).message}`));
    let open: Rollout[];
    try {
      open = await this.deps.store.listOpen();
    } catch (e) {
      this.deps.warn?.(`rollouts: cannot list: ${(e as Error).message}`);
      return;
    }
    // Rollouts that are done (settled) or gone: their leases go back.
    const ids = new Set(open.map((r) => `${LEASE_PREFIX}${r.id}`));
    for (const name of this.deps.leases.held(LEASE_PREFIX)) if (!ids.has(name)) await this.deps.leases.release(name);
    for (const r of open) {
      // Rollouts of deployments served elsewhere are theirs — unless nobody can serve them any more.
      if (!this.deps.served.serves(r.deployment) && !(await this.orphaned(r))) continue;
      // Webhooks and PromQL may take longer than a lease: it is renewed while the step runs.
      try {
        await this.deps.leases.whileHeld(`${LEASE_PREFIX}${r.id}`, () =>
          this.deps.served.serves(r.deployment) ? this.stepper.step(r) : this.stepper.endOrphan(r),
        );
      } catch (e) {
        // A concurrent change (a manual abort, another writer): the next tick reads it again.
        if (!(isMwError(e) && e.code === "RESOURCE_CONFLICT")) {
          this.deps.warn?.(`rollout ${r.id} on ${r.deployment}: ${(e as Error).message}`);
        }
      }
    }
  }

  /** True for a rollout no serving process will drive: its deployment was deleted or stopped. */
  private async orphaned(r: Rollout): Promise<boolean> {
    try {
      return (await this.deps.actions.deps.deployments.get(r.deployment)).status !== "active";
    } catch (e) {
      return isMwError(e) && e.code === "RESOURCE_DOES_NOT_EXIST";
    }
  }

  private readonly prometheus = new Map<string, PrometheusClient>();

  private prometheusFor(r: Rollout): PrometheusClient | undefined {
    const url = r.spec.prometheus?.url;
    if (!url) return undefined;
    let client = this.prometheus.get(url);
    if (!client) {
      client = new PrometheusClient(url, { outbound: this.deps.actions.outbound });
      this.prometheus.set(url, client);
    }
    return client;
  }

  private windowsFor(r: Rollout): WindowSource {
    const client = this.prometheusFor(r);
    return client ? new PrometheusWindowSource(client, { clock: this.deps.clock }) : this.deps.windows;
  }
}
