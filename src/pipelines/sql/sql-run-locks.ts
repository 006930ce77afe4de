/** Pipeline run leases over SQL (SQLite or PostgreSQL): one row per pipeline name. */
import type { Database, Queryable } from "../../core/db/database.js";
import type { AcquireResult, RunLock, RunLocks } from "../run-locks.js";

interface LockRow {
  pipeline: string;
  holder: string;
  run_id: string | null;
  expires_at: number | string;
}

/** The SQL {@link RunLocks}. Needs the "pipelines" migrations applied (version 2). */
export class SqlRunLocks implements RunLocks {
  constructor(private readonly db: Database) {}

  async acquire(
    pipeline: string,
    holder: string,
    runId: string | undefined,
    now: number,
    ttlMs: number,
  ): Promise<AcquireResult> {
    return this.db.transaction(async (tx) => {
      let expiredRunId: string | undefined;
      const before = await read(tx, pipeline);
      if (before && before.expiresAt < now && before.holder !== holder) {
        // Only the expired row we read is removed: a holder that renewed meanwhile keeps its lease.
        const n = await tx.run("DELETE FROM pipeline_locks WHERE pipeline = ? AND holder = ? AND expires_at < ?", [
          pipeline,
          before.holder,
          now,
        ]);
        if (n > 0) expiredRunId = before.runId;
      }
      await tx.run(
        `INSERT INTO pipeline_locks (pipeline, holder, run_id, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (pipeline) DO NOTHING`,
        [pipeline, holder, runId ?? null, now + ttlMs],
      );
      const lock = (await read(tx, pipeline)) as RunLock;
      return { held: lock.holder === holder, lock, ...(expiredRunId ? { expiredRunId } : {}) };
    });
  }

  async renew(
    pipeline: string,
    holder: string,
    runId: string | undefined,
    now: number,
    ttlMs: number,
  ): Promise<boolean> {
    const n = await this.db.run(
      "UPDATE pipeline_locks SET expires_at = ?, run_id = COALESCE(?, run_id) WHERE pipeline = ? AND holder = ?",
      [now + ttlMs, runId ?? null, pipeline, holder],
    );
    return n > 0;
  }

  async release(pipeline: string, holder: string): Promise<void> {
    await this.db.run("DELETE FROM pipeline_locks WHERE pipeline = ? AND holder = ?", [pipeline, holder]);
  }

  get(pipeline: string): Promise<RunLock | undefined> {
    return read(this.db, pipeline);
  }
}

async function read(q: Queryable, pipeline: string): Promise<RunLock | undefined> {
  const row = await q.get<LockRow>(
    "SELECT pipeline, holder, run_id, expires_at FROM pipeline_locks WHERE pipeline = ?",
    [pipeline],
  );
  if (!row) return undefined;
  return {
    pipeline: row.pipeline,
    holder: row.holder,
    ...(row.run_id !== null ? { runId: row.run_id } : {}),
    expiresAt: Number(row.expires_at),
  };
}
