/**
 * Window buckets follow the prediction log's retention: when a deployment's rows before a bound
 * are deleted, so are its minute and hour buckets (predictions and labels) wholly before it, a
 * batch of bucket starts at a time; the buckets and backfill progress of deployments without a log
 * go too. A bucket the bound cuts keeps its rows (it still covers logged ones).
 */
import type { Database } from "../../../../core/db/database.js";
import type { RetentionFollower } from "../../../../serving/prediction-log/retention/log-retention.js";
import { HOUR_MS, MINUTE_MS } from "../window-store.js";

const TABLES = ["monitor_window_buckets", "monitor_label_buckets"] as const;

type Num = number | string;

export interface WindowRetentionOptions {
  /** Bucket starts per delete statement (default 500). */
  batch?: number;
  /** Waited between statements (default 2 ms). */
  pause?: () => Promise<void>;
}

/** The {@link RetentionFollower} of the "monitoring-windows" tables. */
export class SqlWindowRetention implements RetentionFollower {
  readonly name = "monitor window buckets";

  constructor(
    private readonly db: Database,
    private readonly o: WindowRetentionOptions = {},
  ) {}

  async trim(deployment: string, until: number): Promise<number> {
    let n = 0;
    for (const table of TABLES) {
      for (const spanMs of [MINUTE_MS, HOUR_MS])
        n += await this.deleteBefore(table, deployment, spanMs, until - spanMs + 1);
    }
    return n;
  }

  async trimOthers(logged: readonly string[]): Promise<number> {
    const keep = new Set(logged);
    const kept = await this.db.all<{ deployment: string }>(
      `SELECT DISTINCT deployment FROM monitor_window_buckets
       UNION SELECT DISTINCT deployment FROM monitor_label_buckets
       UNION SELECT deployment FROM monitor_window_backfill`,
    );
    let n = 0;
    for (const { deployment } of kept) {
      if (keep.has(deployment)) continue;
      n += await this.trim(deployment, Number.MAX_SAFE_INTEGER);
      await this.db.run("DELETE FROM monitor_window_backfill WHERE deployment = ?", [deployment]);
    }
    return n;
  }

  /** Delete `table`'s buckets of one span starting before `before`, the oldest first, in batches. */
  private async deleteBefore(table: string, deployment: string, spanMs: number, before: number): Promise<number> {
    const batch = this.o.batch ?? 500;
    const pause = this.o.pause ?? (() => new Promise<void>((r) => setTimeout(r, 2)));
    let n = 0;
    for (;;) {
      // The batch's last bucket start: buckets up to it go (every model version of it).
      const bound = await this.db.get<{ t: Num }>(
        `SELECT bucket_start AS t FROM ${table} WHERE deployment = ? AND span_ms = ? AND bucket_start < ?
         ORDER BY bucket_start LIMIT 1 OFFSET ?`,
        [deployment, spanMs, before, batch - 1],
      );
      const last = bound === undefined ? before : Math.min(Number(bound.t) + 1, before);
      const gone = await this.db.run(`DELETE FROM ${table} WHERE deployment = ? AND span_ms = ? AND bucket_start < ?`, [
        deployment,
        spanMs,
        last,
      ]);
      n += gone;
      if (bound === undefined || gone === 0) return n;
      await pause();
    }
  }
}
