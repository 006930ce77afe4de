/**
 * Bounded monitor results: every result is kept for `fullMs` (default a day); older ones are
 * downsampled to the newest result per model version in each `everyMs` bucket (default an hour),
 * and results older than `retentionMs` (default 30 days) are deleted. Work goes in short
 * statements (one bucket, or one batch of rows, each) with a pause between them.
 */
import type { Clock } from "../../../core/clock.js";
import type { Database } from "../../../core/db/database.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface ResultsRetentionSettings {
  /** How long every result is kept (default 1 day). */
  fullMs?: number;
  /** After that, one result per model version per this span (default 1 hour). */
  everyMs?: number;
  /** Results older than this are deleted (default 30 days). */
  retentionMs?: number;
}

export const DEFAULT_RESULTS_RETENTION = { fullMs: DAY_MS, everyMs: HOUR_MS, retentionMs: 30 * DAY_MS } as const;

export interface ResultsRetentionDeps {
  db: Database;
  clock: Clock;
  settings?: ResultsRetentionSettings;
  /** Rows per delete statement (default 2,000). */
  batchRows?: number;
  /** Waited between statements (default 1 ms). */
  pause?: () => Promise<void>;
}

type Num = number | string;

/** Downsamples and expires monitor results; remembers per deployment how far it has downsampled. */
export class ResultsRetention {
  private readonly done = new Map<string, number>();
  private readonly s: Required<ResultsRetentionSettings>;

  constructor(private readonly deps: ResultsRetentionDeps) {
    this.s = { ...DEFAULT_RESULTS_RETENTION, ...deps.settings };
  }

  /** One pass over every deployment with results: how many were downsampled away and expired. */
  async runOnce(): Promise<{ downsampled: number; expired: number }> {
    const { db } = this.deps;
    const deployments = await db.all<{ deployment: string }>(
      "SELECT deployment FROM monitor_configs UNION SELECT deployment FROM monitor_latest",
    );
    let downsampled = 0;
    let expired = 0;
    for (const { deployment } of deployments) {
      expired += await this.expire(deployment);
      downsampled += await this.downsample(deployment);
    }
    return { downsampled, expired };
  }

  private pause(): Promise<void> {
    return this.deps.pause?.() ?? new Promise((r) => setTimeout(r, 1));
  }

  private async expire(deployment: string): Promise<number> {
    const { db } = this.deps;
    const until = this.deps.clock.now() - this.s.retentionMs;
    const batch = this.deps.batchRows ?? 2_000;
    let total = 0;
    for (;;) {
      const bound = await db.get<{ time: Num }>(
        "SELECT time FROM monitor_results WHERE deployment = ? AND time < ? ORDER BY time LIMIT 1 OFFSET ?",
        [deployment, until, batch - 1],
      );
      const n = await db.run(`DELETE FROM monitor_results WHERE deployment = ? AND time < ?`, [
        deployment,
        bound === undefined ? until : Math.min(until, Number(bound.time) + 1),
      ]);
      total += n;
      if (bound === undefined) break;
      await this.pause();
    }
    await db.run("DELETE FROM monitor_latest WHERE deployment = ? AND time < ?", [deployment, until]);
    return total;
  }

  /** Keep the newest result per model version of each bucket from where the last pass stopped. */
  private async downsample(deployment: string): Promise<number> {
    const { db } = this.deps;
    const every = this.s.everyMs;
    const limit = Math.floor((this.deps.clock.now() - this.s.fullMs) / every) * every;
    let from = this.done.get(deployment) ?? 0;
    let total = 0;
    for (;;) {
      const next = await db.get<{ t: Num | null }>(
        "SELECT MIN(time) AS t FROM monitor_results WHERE deployment = ? AND time >= ?",
        [deployment, from],
      );
      if (next?.t === null || next?.t === undefined) break;
      const start = Math.floor(Number(next.t) / every) * every;
      if (start + every > limit) break;
      total += await db.run(
        `DELETE FROM monitor_results WHERE id IN (
           SELECT id FROM (
             SELECT id, ROW_NUMBER() OVER (
               PARTITION BY model_name, model_version ORDER BY time DESC, id DESC
             ) AS k
             FROM monitor_results WHERE deployment = ? AND time >= ? AND time < ?
           ) ranked WHERE k > 1)`,
        [deployment, start, start + every],
      );
      from = start + every;
      this.done.set(deployment, from);
      await this.pause();
    }
    return total;
  }
}
