/**
 * Deleting a deployment's old log rows a batch at a time: each statement removes about `batch`
 * rows (the oldest first) and commits, so a writer waits for one short statement at most.
 */
import type { Queryable } from "../../../core/db/database.js";

type Num = number | string;

/** A time-keyed table of the log: its name and whether (deployment_id, time) leads an index of it. */
export interface TimeKeyedTable {
  table: "log_predictions" | "log_keys" | "log_request_times" | "log_feedback";
  /**
   * Absent when (deployment_id, time) leads an index; else the column after deployment_id in the
   * key (log_keys, log_request_times), and batches are picked by a subquery on the whole key.
   */
  keyedBy?: "key_hash" | "request_id";
}

export const TIME_KEYED: readonly TimeKeyedTable[] = [
  { table: "log_predictions" },
  { table: "log_keys", keyedBy: "key_hash" },
  { table: "log_request_times", keyedBy: "request_id" },
  { table: "log_feedback" },
];

/**
 * Delete one batch of `t`'s rows of deployment `id` older than `until`; the number deleted (0 when
 * none are left). `q.run` must commit on its own.
 */
export async function deleteBatch(
  q: Queryable,
  t: TimeKeyedTable,
  id: number,
  until: number,
  batch: number,
): Promise<number> {
  if (t.keyedBy !== undefined) {
    const key = `deployment_id, ${t.keyedBy}, time`;
    return q.run(
      `DELETE FROM ${t.table} WHERE (${key}) IN (
         SELECT ${key} FROM ${t.table} WHERE deployment_id = ? AND time < ? LIMIT ?)`,
      [id, until, batch],
    );
  }
  // The time of the batch's last row: rows up to it go (a few more when they share its millisecond).
  const bound = await q.get<{ time: Num }>(
    `SELECT time FROM ${t.table} WHERE deployment_id = ? AND time < ? ORDER BY time LIMIT 1 OFFSET ?`,
    [id, until, batch - 1],
  );
  if (bound === undefined) return q.run(`DELETE FROM ${t.table} WHERE deployment_id = ? AND time < ?`, [id, until]);
  return q.run(`DELETE FROM ${t.table} WHERE deployment_id = ? AND time <= ? AND time < ?`, [
    id,
    Number(bound.time),
    until,
  ]);
}
