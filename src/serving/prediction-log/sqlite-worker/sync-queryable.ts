/** A better-sqlite3 connection as a {@link Queryable} with transactions, for a thread that owns its connection and may block. */
import { SqliteQueryable } from "../../../core/db/sqlite/sqlite-queryable.js";

/** Statements and transactions run synchronously; the promises only fit the shared interface. */
export class SyncQueryable extends SqliteQueryable {
  /** Run `fn` in a write transaction (BEGIN IMMEDIATE: the lock is taken up front). */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const out = await fn();
      this.db.exec("COMMIT");
      return out;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      throw e;
    }
  }
}
