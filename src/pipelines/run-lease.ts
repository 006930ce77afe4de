/**
 * Holding a pipeline's lease while a run executes: wait for it (queue) or give up (skip), renew it,
 * and watch the run's cancel flag so a `pipeline cancel` from another process stops it. The lease is
 * the job lease `pipeline-run/NAME` (core/leases); a run records the holder that took the lease for
 * it, so whoever takes the lease over (it expired) learns which runs another holder left queued or
 * running, marks them interrupted and stops what their steps left running. A lease whose holder was
 * a process on this machine that no longer exists is taken over at once, without waiting for it to
 * expire.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../core/clock.js";
import type { LeaseStore } from "../core/leases/lease-store.js";
import { prefixedLeases } from "../core/leases/lease-store.js";
import type { LeftContainers } from "./orphaned-steps.js";
import { stopOrphanedSteps } from "./orphaned-steps.js";
import { processAlive, thisHost } from "./process-groups.js";
import type { RunStore } from "./run-store.js";

/** The job lease names of pipeline runs: `pipeline-run/NAME`. */
export const PIPELINE_RUN_LEASE = "pipeline-run/";

export interface LeaseOptions {
  /** The job leases (one store for every kind of background job). */
  leases: LeaseStore;
  store: RunStore;
  clock: Clock;
  /** Lease length (default 30 s); a stopped process's lease is taken over after it. */
  ttlMs?: number;
  /** How often a waiting run tries again and a holder renews and checks its cancel flag (default 1 s). */
  pollMs?: number;
  /** This machine ({@link thisHost}) and whether a process of it is alive (tests stand in for them). */
  host?: string;
  processAlive?: (pid: number) => boolean;
  /** Deletes the Jobs and containers an interrupted run's container steps left running. */
  containers?: LeftContainers;
}

/** What a holder gets: its run's abort signal and a way to hand the lease back. */
export interface HeldLease {
  signal: AbortSignal;
  /** Record the run the lease covers (a `skip` lease is taken before the run exists). */
  cover(runId: string): Promise<void>;
  release(): Promise<void>;
}

/** A unique holder name: which process on which machine, and which attempt in it (`PID-UUID@HOST`). */
export function newHolder(host = thisHost(), pid = process.pid): string {
  return `${pid}-${randomUUID()}@${host}`;
}

/** The process id and machine of a holder name (undefined for names of another form). */
export function holderProcess(holder: string): { pid: number; host: string } | undefined {
  const m = /^(\d+)-[0-9a-f-]{36}@(.+)$/.exec(holder);
  return m ? { pid: Number(m[1]), host: m[2] as string } : undefined;
}

/** Leases on pipeline names for one process. */
export class RunLeases {
  private readonly ttlMs: number;
  private readonly pollMs: number;
  private readonly leases: LeaseStore;

  constructor(private readonly o: LeaseOptions) {
    this.ttlMs = o.ttlMs ?? 30_000;
    this.pollMs = o.pollMs ?? 1000;
    this.leases = prefixedLeases(o.leases, PIPELINE_RUN_LEASE);
  }

  /** Take the lease now, or return the run that holds it. */
  async tryTake(pipeline: string, holder: string, runId?: string): Promise<HeldLease | { heldBy: string }> {
    await this.recover(pipeline);
    const now = this.o.clock.now();
    if (!(await this.leases.claim(pipeline, holder, now + this.ttlMs, now))) {
      const current = await this.leases.holder(pipeline);
      const [covered] = current ? await this.covered(pipeline, current.owner) : [];
      return { heldBy: covered ?? "(starting)" };
    }
    // Ours now: a run another holder took the lease for lost it (its lease expired), so it was interrupted.
    for (const r of await this.o.store.leased(pipeline)) if (r.holder !== holder) await this.interrupted(r.runId);
    await this.retryLeftContainers(pipeline);
    const held = this.hold(pipeline, holder, runId);
    if (runId) await held.cover(runId);
    return held;
  }

  /**
   * When the lease's holder was a process on this machine that is gone, end its lease now and mark
   * its run interrupted (stopping what its steps left running). Returns the run it covered.
   */
  async recover(pipeline: string): Promise<string | undefined> {
    const lease = await this.leases.holder(pipeline);
    if (!lease || !this.holderGone(lease.owner)) return undefined;
    // Only that holder's lease goes: a live holder that took it meanwhile keeps it.
    await this.leases.release(pipeline, lease.owner);
    const runs = await this.covered(pipeline, lease.owner);
    for (const runId of runs) await this.interrupted(runId);
    return runs[0];
  }

  /**
   * Wait until the lease is ours (polling), for the queued run `runId`; undefined when the run is
   * cancelled while it waits.
   */
  async waitFor(pipeline: string, holder: string, runId: string): Promise<HeldLease | undefined> {
    for (;;) {
      const run = await this.o.store.get(runId);
      if (run.status === "cancelled" || run.cancelRequested) return undefined;
      const taken = await this.tryTake(pipeline, holder, runId);
      if (!("heldBy" in taken)) return taken;
      await new Promise((done) => setTimeout(done, this.pollMs));
    }
  }

  /** True when nobody holds an unexpired lease covering `runId` (its process stopped). */
  async orphaned(pipeline: string, runId: string): Promise<boolean> {
    const run = await this.o.store.get(runId);
    const lease = await this.leases.holder(pipeline);
    return (
      !lease || run.leaseHolder !== lease.owner || lease.until < this.o.clock.now() || this.holderGone(lease.owner)
    );
  }

  /** The holder was a process of this machine that no longer exists (another machine's cannot be told). */
  private holderGone(holder: string): boolean {
    const p = holderProcess(holder);
    if (!p || p.host !== (this.o.host ?? thisHost())) return false;
    return !(this.o.processAlive ?? processAlive)(p.pid);
  }

  private hold(pipeline: string, holder: string, initialRunId: string | undefined): HeldLease {
    const controller = new AbortController();
    let runId = initialRunId;
    let ticking = Promise.resolve();
    const tick = async () => {
      const ours = await this.leases.renew(pipeline, holder, this.o.clock.now() + this.ttlMs);
      // A lease lost (e.g. the process was paused past its expiry) means another run may start: stop ours.
      if (!ours) controller.abort(new Error("lost the pipeline's lease"));
      if (runId && (await this.o.store.get(runId)).cancelRequested) controller.abort(new Error("cancelled"));
    };
    const timer = setInterval(() => {
      ticking = ticking.then(tick).catch(() => {});
    }, this.pollMs);
    timer.unref();
    return {
      signal: controller.signal,
      cover: async (id) => {
        runId = id;
        await this.o.store.update(id, { leaseHolder: holder });
        await this.leases.renew(pipeline, holder, this.o.clock.now() + this.ttlMs);
      },
      release: async () => {
        clearInterval(timer);
        await ticking;
        await this.leases.release(pipeline, holder);
      },
    };
  }

  /** Try again to delete the Jobs and containers ended runs still record (an earlier delete failed). */
  private async retryLeftContainers(pipeline: string): Promise<void> {
    if (!this.o.containers) return;
    for (const runId of await this.o.store.leftContainers(pipeline)) {
      await stopOrphanedSteps(this.o.store, runId, this.o.containers);
    }
  }

  /** The queued or running runs `holder` took `pipeline`'s lease for. */
  private async covered(pipeline: string, holder: string): Promise<string[]> {
    return (await this.o.store.leased(pipeline)).filter((r) => r.holder === holder).map((r) => r.runId);
  }

  /**
   * A run whose process stopped while running it: failed, with how to continue it. What its steps
   * left running on this machine is stopped first; a resume refuses while anything may still run.
   */
  private async interrupted(runId: string): Promise<void> {
    const run = await this.o.store.get(runId).catch(() => undefined);
    if (!run) return;
    await stopOrphanedSteps(this.o.store, runId, this.o.containers);
    if (run.status !== "running" && run.status !== "queued") return;
    const now = this.o.clock.now();
    for (const step of await this.o.store.steps(runId)) {
      if (step.status === "running") {
        await this.o.store.updateStep(runId, step.step, { status: "failed", endTime: now, error: "interrupted" });
      }
    }
    await this.o.store.update(runId, {
      status: "failed",
      endTime: this.o.clock.now(),
      error: `interrupted: the process running it stopped; continue it with 'modelworks pipeline resume ${runId}'`,
    });
  }
}
