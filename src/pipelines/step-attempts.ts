/** One step's attempts: a timeout per attempt (via AbortSignal) and retries with exponential backoff. */
import { formatDuration } from "../core/duration.js";
import type { RetrySpec } from "./pipeline-spec.js";
import { PermanentStepError } from "./step-executor.js";

/** The error of a run, and of its attempts, when the run was cancelled. */
export const CANCELLED = "cancelled";

/** Waits `ms` (tests pass a recording stub). */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** The wait before retry `n` (1-based): backoff × factor^(n-1), at most the maximum. */
export function backoffFor(retries: RetrySpec, n: number): number {
  return Math.min(retries.maxBackoffMs, Math.round(retries.backoffMs * retries.factor ** (n - 1)));
}

/** Run `attempt(signal)` with a timeout; it fails with "timed out after 30s" even if the work ignores the signal. */
export async function withTimeout<T>(timeoutMs: number, attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, fail) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${formatDuration(timeoutMs)}`);
      controller.abort(error);
      fail(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([attempt(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

export interface AttemptHooks {
  /** Before attempt `n` (1-based). */
  starting(n: number): Promise<void>;
  /** After a failed attempt that will be retried after `waitMs`. */
  retrying(n: number, error: Error, waitMs: number): Promise<void>;
}

/** Attempts until one succeeds or the retries run out; the last error is rethrown with the attempt count. */
export async function runAttempts<T>(
  retries: RetrySpec,
  timeoutMs: number,
  sleep: Sleep,
  hooks: AttemptHooks,
  attempt: (signal: AbortSignal) => Promise<T>,
): Promise<{ value: T; attempts: number }> {
  for (let n = 1; ; n++) {
    await hooks.starting(n);
    try {
      return { value: await withTimeout(timeoutMs, attempt), attempts: n };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      if (error instanceof PermanentStepError || n > retries.limit) throw Object.assign(error, { attempts: n });
      const wait = backoffFor(retries, n);
      await hooks.retrying(n, error, wait);
      await sleep(wait);
    }
  }
}

/**
 * Run an attempt under its timeout signal and the run's cancel signal (`run`); an attempt that fails
 * because the run was cancelled fails permanently, so it is not retried.
 */
export async function cancellableAttempt<T>(
  timeout: AbortSignal,
  run: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  try {
    return await work(run ? AbortSignal.any([timeout, run]) : timeout);
  } catch (e) {
    if (run?.aborted) throw new PermanentStepError(CANCELLED);
    throw e;
  }
}
