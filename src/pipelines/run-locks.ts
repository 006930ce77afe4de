/**
 * One run at a time per pipeline, across processes: a lease row per pipeline name. A holder renews
 * its lease while it runs; a lease that expires (its process stopped) can be taken over, and the
 * run it covered is reported so it can be marked interrupted.
 */

/** The lease on a pipeline name. */
export interface RunLock {
  pipeline: string;
  /** Who holds it: unique per attempt to run (process id and a random part). */
  holder: string;
  /** The run it covers, once created. */
  runId?: string;
  expiresAt: number;
}

export interface AcquireResult {
  /** True when `holder` holds the lease now. */
  held: boolean;
  /** The lease as it stands after the attempt (ours, or the other holder's). */
  lock: RunLock;
  /** The run of an expired lease this attempt replaced (its process stopped while running it). */
  expiredRunId?: string;
}

export interface RunLocks {
  /** Take the lease unless another holder's lease is unexpired at `now`. */
  acquire(
    pipeline: string,
    holder: string,
    runId: string | undefined,
    now: number,
    ttlMs: number,
  ): Promise<AcquireResult>;
  /** Extend the lease (and record its run); false when `holder` no longer holds it. */
  renew(pipeline: string, holder: string, runId: string | undefined, now: number, ttlMs: number): Promise<boolean>;
  /** Give the lease up (nothing happens when `holder` does not hold it). */
  release(pipeline: string, holder: string): Promise<void>;
  /** The lease on `pipeline`, expired or not. */
  get(pipeline: string): Promise<RunLock | undefined>;
}
