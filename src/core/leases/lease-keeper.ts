/**
 * The leases one replica holds on background jobs, over a shared {@link LeaseStore}. Every job
 * loop of a process (rollouts, alias watches, monitors, pipeline triggers, materialization) asks
 * the same keeper before it does a job, so a job runs on exactly one replica at a time and moves
 * to another replica one lease period after its holder stops renewing (a crash, a `kill -9`).
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Clock } from "../clock.js";
import type { LeaseStore } from "./lease-store.js";

export interface LeaseKeeperOptions {
  store: LeaseStore;
  clock: Clock;
  /** How long a lease lasts unless renewed (renewed once a third of it has passed). */
  periodMs: number;
  /** This replica's name in the store (default: host, pid and a random part). */
  owner?: string;
  warn?: (message: string) => void;
}

/** A unique owner name for this process: `HOST-PID-RANDOM`. */
export function replicaOwner(): string {
  return `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/** Takes, renews and gives up the leases of one replica. */
export class LeaseKeeper {
  readonly owner: string;
  readonly periodMs: number;
  /** The leases held, with when each runs out by this process's clock. */
  private readonly until = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: LeaseKeeperOptions) {
    this.owner = o.owner ?? replicaOwner();
    this.periodMs = o.periodMs;
  }

  /**
   * True when this replica holds `name` now: taken, still fresh, or renewed. A store that cannot
   * be reached answers false (a job never runs without its lease).
   */
  async hold(name: string): Promise<boolean> {
    const now = this.o.clock.now();
    const until = this.until.get(name);
    // Renew once a third of the period has passed, so a tick does not always write.
    if (until !== undefined && until - now > (this.periodMs * 2) / 3) return true;
    try {
      if (await this.o.store.claim(name, this.owner, now + this.periodMs, now)) {
        this.until.set(name, now + this.periodMs);
        return true;
      }
    } catch (e) {
      this.o.warn?.(`lease ${name}: ${(e as Error).message}`);
    }
    this.until.delete(name);
    return false;
  }

  /** True while `name` is held by this process's record (no store round trip). */
  holds(name: string): boolean {
    const until = this.until.get(name);
    return until !== undefined && until > this.o.clock.now();
  }

  /** The names held, optionally only those starting with `prefix`. */
  held(prefix = ""): string[] {
    return [...this.until.keys()].filter((n) => n.startsWith(prefix));
  }

  /** Renew every lease held (jobs kept between their runs); the names lost are returned. */
  async renewAll(prefix = ""): Promise<string[]> {
    const lost: string[] = [];
    for (const name of this.held(prefix)) if (!(await this.hold(name))) lost.push(name);
    return lost;
  }

  /**
   * Run `job` under `name`'s lease, renewing it while the job runs; undefined (not run) when
   * another replica holds it. The lease is kept afterwards (use {@link release} to hand it back).
   */
  async whileHeld<T>(name: string, job: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (!(await this.hold(name))) return undefined;
    const renew = setInterval(() => void this.hold(name), this.periodMs / 3);
    renew.unref();
    try {
      return { value: await job() };
    } finally {
      clearInterval(renew);
    }
  }

  /**
   * Renew every lease held every third of a period until {@link stop}, so a job stays with this
   * replica between its runs (a monitor due every hour, a cron schedule) and moves only when it dies.
   */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.renewAll(), this.periodMs / 3);
    this.timer.unref();
  }

  /** Stop renewing and give every lease up, so other replicas take the jobs at once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.releaseAll();
  }

  /** Give `name` up so another replica takes it at once. */
  async release(name: string): Promise<void> {
    this.until.delete(name);
    await this.o.store.release(name, this.owner).catch(() => {});
  }

  /** Give every lease up (the process is stopping), optionally only those starting with `prefix`. */
  async releaseAll(prefix = ""): Promise<void> {
    for (const name of this.held(prefix)) await this.release(name);
  }
}
