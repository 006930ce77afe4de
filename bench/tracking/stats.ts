/** Timing helpers: a monotonic clock, percentiles, repeated measurements. */
import { performance } from "node:perf_hooks";

/** Milliseconds on a monotonic clock. */
export const now = (): number => performance.now();

/** The p-th percentile (0..100) by nearest rank of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

export interface Timing {
  n: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
  /** Every timed sample, in call order (warm-up calls excluded). */
  samplesMs: number[];
}

/** Run `fn` `warmup` times untimed, then `n` times timed, sequentially. */
export async function timeRepeated(n: number, warmup: number, fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = now();
    await fn();
    samples.push(now() - t0);
  }
  return summarize(samples);
}

/** Median, p90, min and max of samples in milliseconds. */
export function summarize(samples: readonly number[]): Timing {
  return {
    n: samples.length,
    medianMs: round(percentile(samples, 50)),
    p90Ms: round(percentile(samples, 90)),
    minMs: round(Math.min(...samples)),
    maxMs: round(Math.max(...samples)),
    samplesMs: samples.map(round),
  };
}

/** Round to 2 decimals (keeps JSON readable). */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Run `tasks` with at most `concurrency` in flight. */
export async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return out;
}
