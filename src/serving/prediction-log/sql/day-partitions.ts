/**
 * PostgreSQL day partitions of the log's time-keyed tables (log_predictions, log_keys,
 * log_request_times): one per
 * UTC day, created before the first row of that day is written (and a day ahead), dropped whole
 * by retention. A partition's name is its table and day: `log_predictions_d20250131`.
 */
import type { Queryable } from "../../../core/db/database.js";

export const DAY_MS = 86_400_000;
export const PARTITIONED_TABLES = ["log_predictions", "log_keys", "log_request_times"] as const;

/** The start (UTC midnight, ms) of the day holding `time`. */
export function dayOf(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}

/** `20250131` for the day starting at `day`. */
export function dayLabel(day: number): string {
  return new Date(day).toISOString().slice(0, 10).replaceAll("-", "");
}

/** The day a partition's name stands for, or undefined for another table's name. */
export function partitionDay(table: string, name: string): number | undefined {
  const m = new RegExp(`^${table}_d(\\d{4})(\\d{2})(\\d{2})$`).exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined;
}

/** Creates partitions on demand; remembers the days it has made sure of. */
export class DayPartitions {
  private readonly known = new Set<number>();

  /** Make sure every day of `times` (and the day after the latest) has its partitions. */
  async ensure(q: Queryable, times: Iterable<number>): Promise<void> {
    const days = new Set<number>();
    for (const t of times) days.add(dayOf(t));
    if (days.size === 0) return;
    days.add(Math.max(...days) + DAY_MS);
    for (const day of days) {
      if (this.known.has(day)) continue;
      for (const table of PARTITIONED_TABLES) await createPartition(q, table, day);
      this.known.add(day);
    }
  }

  /** Forget a day (its partitions were dropped). */
  forget(day: number): void {
    this.known.delete(day);
  }
}

/** Create `table`'s partition for `day` unless it exists. */
export async function createPartition(q: Queryable, table: string, day: number): Promise<void> {
  const sql = `CREATE TABLE IF NOT EXISTS ${table}_d${dayLabel(day)} PARTITION OF ${table}
    FOR VALUES FROM (${day}) TO (${day + DAY_MS})`;
  try {
    await q.run(sql);
  } catch (e) {
    // Another process created it between our check and our create (duplicate table or type).
    const code = (e as { code?: string }).code;
    if (code !== "42P07" && code !== "23505") throw e;
  }
}

/** The days that have partitions of `table`, oldest first. */
export async function partitionDays(q: Queryable, table: string): Promise<number[]> {
  const rows = await q.all<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
     JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = ?`,
    [table],
  );
  const days = rows.flatMap((r) => {
    const day = partitionDay(table, r.name);
    return day === undefined ? [] : [day];
  });
  return days.sort((a, b) => a - b);
}

/** Drop one day's partitions of every partitioned table. */
export async function dropDay(q: Queryable, day: number): Promise<void> {
  for (const table of PARTITIONED_TABLES) await q.run(`DROP TABLE IF EXISTS ${table}_d${dayLabel(day)}`);
}
