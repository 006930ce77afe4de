/**
 * Holding a pipeline's lease while a run executes: wait for it (queue) or give up (skip), renew it,
 * and watch the run's cancel flag so a `pipeline cancel` from another process stops it. A lease whose
 * holder was a process on this machine that no longer exists is taken over at once, without waiting
 * for it to expire; the run it covered is marked interrupted and its commands' groups are stopped.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../core/clock.js";
import { stopOrphanedSteps } from "./orphaned-steps.js";
import { processAlive, thisHost } from "./process-groups.js";
import type { RunLock, RunLocks } from "./run-locks.js";
import type { RunStore } from "./run-store.js";

export interface LeaseOptions {
  locks: RunLocks;
  store: RunStore;
  clock: Clock;
  /** Lease length (default 30 s); a stopped process's lease is taken over after it. */
  ttlMs?: number;
  /** How often a waiting run tries again and a holder renews and checks its cancel flag (default 1 s). */
  pollMs?: number;
  /** This machine ({@link thisHost}) and whether a process of it is alive (tests stand in for them). */
  host?: string;
  processAlive?: (pid: number) => boolean;
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

  constructor(private readonly o: LeaseOptions) {
    this.ttlMs = o.ttlMs ?? 30_000;
    this.pollMs = o.pollMs ?? 1000;
  }

  /** Take the lease now, or return the run that holds it. */
  async tryTake(pipeline: string, holder: string, runId?: string): Promise<HeldLease | { heldBy: string }> {
    await this.recover(pipeline);
    const got = await this.o.locks.acquire(pipeline, holder, runId, this.o.clock.now(), this.ttlMs);
    if (got.expiredRunId) await this.interrupted(got.expiredRunId);
    if (!got.held) return { heldBy: got.lock.runId ?? "(starting)" };
    return this.hold(pipeline, holder, runId);
  }

  /**
   * When the lease's holder was a process on this machine that is gone, end its lease now and mark
   * its run interrupted (stopping what its steps left running). Returns the run it covered.
   */
  async recover(pipeline: string): Promise<string | undefined> {
    const lock = await this.o.locks.get(pipeline);
    if (!lock || !this.holderGone(lock)) return undefined;
    // Only that holder's row goes: a live holder that took the lease meanwhile keeps it.
    await this.o.locks.release(pipeline, lock.holder);
    if (lock.runId) await this.interrupted(lock.runId);
    return lock.runId;
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
    const lock = await this.o.locks.get(pipeline);
    return !lock || lock.runId !== runId || lock.expiresAt < this.o.clock.now() || this.holderGone(lock);
  }

  /** The holder was a process of this machine that no longer exists (another machine's cannot be told). */
  private holderGone(lock: RunLock): boolean {
    const p = holderProcess(lock.holder);
    if (!p || p.host !== (this.o.host ?? thisHost())) return false;
    return !(this.o.processAlive ?? processAlive)(p.pid);
  }

  private hold(pipeline: string, holder: string, initialRunId: string | undefined): HeldLease {
    const controller = new AbortController();
    let runId = initialRunId;
    let ticking = Promise.resolve();
    const tick = async () => {
      const ours = await this.o.locks.renew(pipeline, holder, runId, this.o.clock.now(), this.ttlMs);
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
        await this.o.locks.renew(pipeline, holder, id, this.o.clock.now(), this.ttlMs);
      },
      release: async () => {
        clearInterval(timer);
        await ticking;
        await this.o.locks.release(pipeline, holder);
      },
    };
  }

  /**
   * A run whose process stopped while running it: failed, with how to continue it. What its steps
   * left running on this machine is stopped first; a resume refuses while anything may still run.
   */
  private async interrupted(runId: string): Promise<void> {
    const run = await this.o.store.get(runId).catch(() => undefined);
    if (!run) return;
    await stopOrphanedSteps(this.o.store, runId);
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
