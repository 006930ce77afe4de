/** SQLite through better-sqlite3: one connection, WAL, statements cached by SQL text. */

import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import BetterSqlite3 from "better-sqlite3";
import { MwError } from "../../errors.js";
import { ensurePrivateDir, ensurePrivateFile } from "../../fs/private-files.js";
import type { Database, Queryable, SqlDialect, SqlValue } from "../database.js";
import { Mutex } from "../mutex.js";
import type { Checkpointer } from "./checkpointer.js";
import { startCheckpointer } from "./checkpointer.js";
import { SqliteQueryable } from "./sqlite-queryable.js";

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

/** How a connection is opened. */
export interface SqliteOpenOptions {
  /** Longest a statement waits for another process's write lock (default 10 s). */
  lockWaitMs?: number;
  /**
   * A second connection to a file the process has open already (a worker thread's): no
   * checkpointer, no planner maintenance, a smaller page cache; `readonly` opens it read-only.
   */
  auxiliary?: { readonly?: boolean };
}

/**
 * Open (creating if needed, owner-only: 0600 in a 0700 folder) a SQLite database file; `:memory:`
 * works too. `lockWaitMs` bounds how long a statement waits for another process's write lock
 * (default 10 s); the waiting happens between event-loop turns, never inside the driver.
 */
export function openSqlite(path: string, options: SqliteOpenOptions = {}): Database {
  const lockWaitMs = options.lockWaitMs ?? 10_000;
  if (options.auxiliary) return openAuxiliary(path, lockWaitMs, options.auxiliary.readonly === true);
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
  // The driver is synchronous: its own busy wait would freeze the only event loop (predictions
  // included) for as long as another process holds the write lock. It waits a few milliseconds;
  // longer waits are retries after timers (see busyRetry).
  db.pragma(`busy_timeout = ${BUSY_SPIN_MS}`);
  db.pragma("foreign_keys = ON");
  db.pragma("case_sensitive_like = ON");
  // Keep planner statistics fresh: search plans over 100k runs depend on them (SQLite's advice
  // for long-lived connections: optimize at open, then periodically).
  // ANALYZE samples at most ~1000 rows per index: without the limit, optimize reads whole tables,
  // which blocked start-up (and the hourly run, on the event loop) for seconds once the prediction
  // log held a million rows.
  db.pragma("analysis_limit = 1000");
  try {
    db.pragma("optimize = 0x10002");
  } catch (e) {
    // Another process holds the write lock (say, a replica starting at the same moment runs the
    // migrations): the statistics wait for the periodic run rather than failing the start.
    if (!isBusy(e)) throw e;
  }
  // 64 MiB page cache: search joins over 100k runs touch many index pages.
  db.pragma("cache_size = -65536");
  if (path === ":memory:") return new SqliteDatabase(db, lockWaitMs);
  const checkpointer = startCheckpointer(path);
  db.pragma("wal_autocheckpoint = 0");
  return new SqliteDatabase(db, lockWaitMs, checkpointer);
}

/** A worker thread's connection to an existing WAL database (its process checkpoints it). */
function openAuxiliary(path: string, lockWaitMs: number, readonly: boolean): Database {
  const db = new BetterSqlite3(path, { readonly, fileMustExist: true });
  db.pragma(`busy_timeout = ${BUSY_SPIN_MS}`);
  db.pragma("case_sensitive_like = ON");
  if (!readonly) {
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("wal_autocheckpoint = 0");
  }
  db.pragma("cache_size = -16384");
  return new SqliteDatabase(db, lockWaitMs, undefined, false);
}

/** How long the driver itself may block on a lock before handing back to the event loop. */
const BUSY_SPIN_MS = 20;

/** True for SQLite's "another connection holds the lock" errors. */
function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

/** 503 for a statement that waited its whole `waitMs` (for this process's own transaction, or another's lock). */
function lockedFor(waitMs: number, cause?: unknown): MwError {
  return new MwError(
    "TEMPORARILY_UNAVAILABLE",
    `The metadata database is locked (waited ${waitMs} ms). Try again shortly.`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Run `op`, retrying while the database is locked by another process, with timers in between (the
 * event loop keeps serving); past `deadline` (epoch ms) it is 503 TEMPORARILY_UNAVAILABLE.
 */
async function busyRetry<T>(op: () => T, deadline: number, waitMs: number): Promise<T> {
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      return op();
    } catch (e) {
      if (!isBusy(e)) throw e;
      if (Date.now() + delay > deadline) throw lockedFor(waitMs, e);
      await sleep(delay);
    }
  }
}

class SqliteDatabase extends SqliteQueryable implements Database {
  readonly dialect = sqliteDialect;
  private readonly mutex = new Mutex();
  private readonly tx: SqliteQueryable;
  private readonly optimizer: NodeJS.Timeout | undefined;

  constructor(
    db: BetterSqlite3.Database,
    private readonly lockWaitMs: number,
    private readonly checkpointer?: Checkpointer,
    optimize = true,
  ) {
    super(db);
    this.tx = new SqliteQueryable(db);
    if (optimize) {
      this.optimizer = setInterval(() => void this.exec("PRAGMA optimize").catch(() => {}), OPTIMIZE_EVERY_MS);
      this.optimizer.unref();
    }
  }

  /**
   * Run `op` once no transaction of this connection is open (so it neither reads uncommitted rows
   * nor slips its writes into one) and no other process holds the write lock. `lockWaitMs` bounds
   * the whole wait, the turn behind queued transactions included.
   */
  private async statement<T>(op: () => T): Promise<T> {
    const deadline = Date.now() + this.lockWaitMs;
    if (this.mutex.isHeld && !(await this.mutex.idleBy(deadline))) throw lockedFor(this.lockWaitMs);
    return busyRetry(op, deadline, this.lockWaitMs);
  }

  override all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    return this.statement(() => this.stmt(sql).all(...params) as T[]);
  }
  override get<T>(sql: string, params: readonly SqlValue[] = []): Promise<T | undefined> {
    return this.statement(() => this.stmt(sql).get(...params) as T | undefined);
  }
  override run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.statement(() => this.stmt(sql).run(...params).changes);
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
    // One deadline for the turn behind this process's other transactions and for another
    // process's lock: a request never waits longer than lockWaitMs to start writing.
    const deadline = Date.now() + this.lockWaitMs;
    const release = await this.mutex.acquireBy(deadline);
    if (!release) throw lockedFor(this.lockWaitMs);
    try {
      // BEGIN IMMEDIATE takes the write lock up front, so nothing later in the transaction waits.
      await busyRetry(() => this.db.exec("BEGIN IMMEDIATE"), deadline, this.lockWaitMs);
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
    await this.statement(() => this.db.exec(sql));
  }

  async close(): Promise<void> {
    clearInterval(this.optimizer);
    await this.checkpointer?.stop();
    await this.mutex.idle();
    this.db.close();
  }
}
