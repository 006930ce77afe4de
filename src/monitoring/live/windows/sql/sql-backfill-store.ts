/** The SQL {@link BackfillStore}: the "monitoring-windows" backfill table, next to the buckets. */
import type { Database } from "../../../../core/db/database.js";
import type { BackfillState, BackfillStore } from "../backfill-store.js";
import type { StoredPredictions } from "../window-store.js";
import { HOUR_MS } from "../window-store.js";
import type { SqlWindowStore } from "./sql-window-store.js";

type Num = number | string;

interface StateRow {
  deployment: string;
  until_time: Num;
  next_time: Num;
  rows_count: Num;
  done_time: Num | null;
}

const COLUMNS = "deployment, until_time, next_time, rows_count, done_time";

function toState(r: StateRow): BackfillState {
  return {
    deployment: r.deployment,
    until: Number(r.until_time),
    next: Number(r.next_time),
    rows: Number(r.rows_count),
    ...(r.done_time === null ? {} : { doneTime: Number(r.done_time) }),
  };
}

/** Needs the "monitoring-windows" migrations and the prediction log's tables. */
export class SqlBackfillStore implements BackfillStore {
  constructor(
    private readonly db: Database,
    private readonly windows: SqlWindowStore,
  ) {}

  async begin(startedAt: number, now: number): Promise<BackfillState[]> {
    // The prediction log's own list of the deployments that logged (a deleted one's log included).
    const logged = await this.db.all<{ name: string }>(
      `SELECT l.name FROM log_deployments l
       WHERE NOT EXISTS (SELECT 1 FROM monitor_window_backfill b WHERE b.deployment = l.name) ORDER BY l.name`,
    );
    for (const { name } of logged) {
      const oldest = await this.db.get<{ t: Num | null }>(
        "SELECT MIN(bucket_start) AS t FROM monitor_window_buckets WHERE deployment = ? AND span_ms = ?",
        [name, HOUR_MS],
      );
      const until = oldest?.t === null || oldest?.t === undefined ? startedAt : Math.min(startedAt, Number(oldest.t));
      // Another process may record it first: its bound stands.
      await this.db.run(
        `INSERT INTO monitor_window_backfill (${COLUMNS}, created_time, updated_time)
         VALUES (?, ?, 0, 0, NULL, ?, ?) ON CONFLICT (deployment) DO NOTHING`,
        [name, until, now, now],
      );
    }
    const rows = await this.db.all<StateRow>(`SELECT ${COLUMNS} FROM monitor_window_backfill ORDER BY deployment`);
    return rows.map(toState);
  }

  async state(deployment: string): Promise<BackfillState | undefined> {
    const r = await this.db.get<StateRow>(`SELECT ${COLUMNS} FROM monitor_window_backfill WHERE deployment = ?`, [
      deployment,
    ]);
    return r ? toState(r) : undefined;
  }

  commit(
    b: { deployment: string; from: number; next: number; rows: number; done: boolean },
    deltas: readonly StoredPredictions[],
    now: number,
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // The progress first: a concurrent commit of the same batch waits on this row, then finds
      // next_time moved and adds nothing.
      const moved = await tx.run(
        `UPDATE monitor_window_backfill SET next_time = ?, rows_count = rows_count + ?, done_time = ?, updated_time = ?
         WHERE deployment = ? AND next_time = ? AND done_time IS NULL`,
        [b.next, b.rows, b.done ? now : null, now, b.deployment, b.from],
      );
      if (moved === 0) return false;
      await this.windows.addInto(tx, deltas, now);
      return true;
    });
  }
}
