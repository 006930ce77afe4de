/** SQLite through better-sqlite3: one connection, WAL, statements cached by SQL text. */

import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { ensurePrivateDir, ensurePrivateFile } from "../../fs/private-files.js";
import type { Database, Queryable, SqlDialect, SqlValue } from "../database.js";
import { Mutex } from "../mutex.js";
import type { Checkpointer } from "./checkpointer.js";
import { startCheckpointer } from "./checkpointer.js";

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

const OPTIMIZE_EVERY_MS = 60 * 60 * 1000;
const UNIQUE_CODES = new Set(["SQLITE_CONSTRAINT_PRIMARYKEY", "SQLITE_CONSTRAINT_UNIQUE"]);

/** SQLite's dialect: LIKE is made case-sensitive at open, so ILIKE lowers both sides. */
export const sqliteDialect: SqlDialect = {
  name: "sqlite",
  ilike: (lhs) => `lower(${lhs}) LIKE lower(?)`,
  blobType: "BLOB",
  isUniqueViolation: (err) => UNIQUE_CODES.has((err as { code?: string })?.code ?? ""),
  // BEGIN IMMEDIATE already takes the write lock for the whole migration.
  lockForMigration: async () => {},
};

/** Open (creating if needed, owner-only: 0600 in a 0700 folder) a SQLite database file; `:memory:` works too. */
export function openSqlite(path: string): Database {
  if (path !== ":memory:") {
    ensurePrivateDir(dirname(path));
    // SQLite gives the -wal and -shm files the mode of the database file, so they are 0600 too.
    ensurePrivateFile(path);
  }
  const db = new BetterSqlite3(path);
  db.pragma("journal_mode = WAL");
  // NORMAL survives a killed process (the WAL is fsynced at checkpoints); only an OS crash can
  // lose the last transactions.
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 10000");
  db.pragma("foreign_keys = ON");
  db.pragma("case_sensitive_like = ON");
  // Keep planner statistics fresh: search plans over 100k runs depend on them (SQLite's advice
  // for long-lived connections: optimize at open, then periodically).
  // ANALYZE samples at most ~1000 rows per index: without the limit, optimize reads whole tables,
  // which blocked start-up (and the hourly run, on the event loop) for seconds once the prediction
  // log held a million rows.
  db.pragma("analysis_limit = 1000");
  db.pragma("optimize = 0x10002");
  // 64 MiB page cache: search joins over 100k runs touch many index pages.
  db.pragma("cache_size = -65536");
  if (path === ":memory:") return new SqliteDatabase(db);
  const checkpointer = startCheckpointer(path);
  db.pragma("wal_autocheckpoint = 0");
  return new SqliteDatabase(db, checkpointer);
}

class SqliteQueryable implements Queryable {
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

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.stmt(sql).all(...params) as T[];
  }
  async get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.stmt(sql).get(...params) as T | undefined;
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.stmt(sql).run(...params).changes;
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
    // An array binds as the anonymous parameters, without spreading arguments.
    for (const r of rows) s.run(r);
  }
}

class SqliteDatabase extends SqliteQueryable implements Database {
  readonly dialect = sqliteDialect;
  private readonly mutex = new Mutex();
  private readonly tx: SqliteQueryable;
  private readonly optimizer: NodeJS.Timeout;

  constructor(
    db: BetterSqlite3.Database,
    private readonly checkpointer?: Checkpointer,
  ) {
    super(db);
    this.tx = new SqliteQueryable(db);
    this.optimizer = setInterval(() => void this.exec("PRAGMA optimize").catch(() => {}), OPTIMIZE_EVERY_MS);
    this.optimizer.unref();
  }

  // One connection: while a transaction is open, plain statements wait so they neither read its
  // uncommitted rows nor slip their writes into it.
  override async all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    if (this.mutex.isHeld) await this.mutex.idle();
    return super.all<T>(sql, params);
  }
  override async get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    if (this.mutex.isHeld) await this.mutex.idle();
    return super.get<T>(sql, params);
  }
  override async run(sql: string, params?: readonly SqlValue[]): Promise<number> {
    if (this.mutex.isHeld) await this.mutex.idle();
    return super.run(sql, params);
  }
  override async insertMany(
    t: string,
    c: readonly string[],
    r: readonly SqlValue[][],
    conflict?: string,
  ): Promise<void> {
    return this.transaction((tx) => tx.insertMany(t, c, r, conflict));
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const release = await this.mutex.acquire();
    try {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const result = await fn(this.tx);
        this.db.exec("COMMIT");
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw e;
      }
    } finally {
      release();
    }
  }

  async exec(sql: string): Promise<void> {
    if (this.mutex.isHeld) await this.mutex.idle();
    this.db.exec(sql);
  }

  async close(): Promise<void> {
    clearInterval(this.optimizer);
    await this.checkpointer?.stop();
    await this.mutex.idle();
    this.db.close();
  }
}
