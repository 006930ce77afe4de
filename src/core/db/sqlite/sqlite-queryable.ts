/** A better-sqlite3 connection as a {@link Queryable}: cached statements, run synchronously. */
import type BetterSqlite3 from "better-sqlite3";
import type { Queryable, SqlValue } from "../database.js";

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/** Statements run at once; the promises only fit the shared interface. */
export class SqliteQueryable implements Queryable {
  private readonly cache = new Map<string, Statement>();
  constructor(protected readonly db: BetterSqlite3.Database) {}

  protected stmt(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  // An array binds as the anonymous parameters, without spreading arguments (a 64-row INSERT has 700).
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
    if (rows.length === 0) return;
    const s = this.stmt(
      `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")}) ${conflict}`,
    );
    for (const r of rows) s.run(r as unknown[]);
  }
}
