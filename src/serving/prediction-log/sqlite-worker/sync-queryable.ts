/** A better-sqlite3 connection as a {@link Queryable} (for a thread that owns its connection and may block). */
import type BetterSqlite3 from "better-sqlite3";
import type { Queryable, SqlValue } from "../../../core/db/database.js";

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/** Statements run synchronously; the promises only fit the shared interface. */
export class SyncQueryable implements Queryable {
  private readonly cache = new Map<string, Statement>();

  constructor(readonly db: BetterSqlite3.Database) {}

  private stmt(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.stmt(sql).all(params as unknown[]) as T[];
  }
  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.stmt(sql).get(params as unknown[]) as T | undefined;
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.stmt(sql).run(params as unknown[]).changes;
  }
  async insertMany(
    table: string,
    columns: readonly string[],
    rows: readonly SqlValue[][],
    conflict = "",
  ): Promise<void> {
    const s = this.stmt(
      `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) ${conflict}`,
    );
    for (const r of rows) s.run(r as unknown[]);
  }

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
