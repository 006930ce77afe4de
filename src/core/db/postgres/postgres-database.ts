/** PostgreSQL through node-postgres: a pool, `?` placeholders rewritten to `$n`. */

import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { MwError } from "../../errors.js";
import type { Database, Queryable, SqlDialect, SqlValue } from "../database.js";
import { asUnavailable, safeToRetry } from "./connection-errors.js";

// int8 and numeric come back as numbers: ids and millisecond timestamps fit in 2^53.
const types = {
  getTypeParser: (oid: number, format?: "text" | "binary") => {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as "text");
  },
};

/** PostgreSQL's dialect. */
export const postgresDialect: SqlDialect = {
  name: "postgres",
  ilike: (lhs) => `${lhs} ILIKE ?`,
  blobType: "BYTEA",
  isUniqueViolation: (err) => (err as { code?: string })?.code === "23505",
  lockForMigration: async (tx) => {
    // Migrations may build indexes on big tables and wait for another process's migration: no
    // statement timeout for them (it applies to requests).
    await tx.run("SET LOCAL statement_timeout = 0");
    await tx.run("SELECT pg_advisory_xact_lock(727274)");
  },
};

const converted = new Map<string, string>();

/** Rewrite `?` placeholders to `$1..$n` (stores never put literals containing `?` in SQL). */
export function toDollarParams(sql: string): string {
  let out = converted.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    converted.set(sql, out);
  }
  return out;
}

type Client = Pick<pg.PoolClient, "query">;

// PostgreSQL accepts at most 65535 bind parameters per statement.
const MAX_PARAMS = 30000;

class PgQueryable implements Queryable {
  constructor(protected readonly client: Client) {}

  async all<T>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const r = await this.query({ text: toDollarParams(sql), values: params as unknown[], types });
    return r.rows as T[];
  }
  async get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const r = await this.query({ text: toDollarParams(sql), values: params as unknown[], types });
    return r.rowCount ?? 0;
  }

  /** One statement; a lost or timed-out connection becomes 503 TEMPORARILY_UNAVAILABLE. */
  protected async query(q: pg.QueryConfig): Promise<pg.QueryResult> {
    try {
      return await this.client.query(q);
    } catch (e) {
      throw asUnavailable(e);
    }
  }
  async insertMany(
    table: string,
    columns: readonly string[],
    rows: readonly SqlValue[][],
    conflict = "",
  ): Promise<void> {
    const per = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
    for (let start = 0; start < rows.length; start += per) {
      const chunk = rows.slice(start, start + per);
      const values: SqlValue[] = [];
      const tuples: string[] = [];
      let n = 0;
      for (const row of chunk) {
        tuples.push(`(${row.map(() => `$${++n}`).join(",")})`);
        for (const v of row) values.push(v);
      }
      const text = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(",")} ${conflict}`;
      await this.query({ text, values: values as unknown[] });
    }
  }
}

class PostgresDatabase extends PgQueryable implements Database {
  readonly dialect = postgresDialect;
  constructor(
    private readonly pool: pg.Pool,
    private readonly statementMs: number,
  ) {
    super(pool);
  }

  /** Outside transactions, a statement whose first try cannot have done anything is tried once more. */
  protected override async query(q: pg.QueryConfig): Promise<pg.QueryResult> {
    try {
      return await super.query(q);
    } catch (e) {
      if (!safeToRetry(e, q.text)) throw e;
      await sleep(100);
      return super.query(q);
    }
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    // The wait for a connection counts against the statement timeout: a transaction's statements
    // get what is left of it, so a request never waits longer than that in all (a locked table
    // with every connection waiting on it used to cost the acquire wait plus a full statement).
    const deadline = Date.now() + this.statementMs;
    // A checked-out client emits 'error' when its connection drops (a killed backend, a restart);
    // without a listener that is an uncaught exception. The broken client is discarded on release.
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    const client = await this.checkout(onError);
    try {
      if (broken) throw broken;
      const left = Math.floor(deadline - Date.now());
      if (left < 1) throw new MwError("TEMPORARILY_UNAVAILABLE", WAITED(this.statementMs));
      // One round trip: a simple query may hold several statements (no parameters).
      await client.query(`BEGIN; SET LOCAL statement_timeout = ${left}`);
      const result = await fn(new PgQueryable(client));
      await client.query("COMMIT");
      return result;
    } catch (e) {
      if (!broken) await client.query("ROLLBACK").catch(() => {});
      throw asUnavailable(broken ?? e);
    } finally {
      client.off("error", onError);
      client.release(broken ?? false);
    }
  }

  /**
   * A pooled client with `onError` listening from the moment the pool hands it over. The pool does
   * that synchronously while parsing a socket read (the previous user's ReadyForQuery), and the
   * read may go on with this connection's FATAL message: a listener added after `await` would
   * come too late and the process would exit on an unhandled 'error' event.
   */
  private checkout(onError: (err: Error) => void): Promise<pg.PoolClient> {
    return new Promise((resolve, reject) => {
      this.pool.connect((err, client) => {
        if (err || !client) return reject(asUnavailable(err ?? new Error("no connection")));
        client.on("error", onError);
        resolve(client);
      });
    });
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.pool.query(sql);
    } catch (e) {
      throw asUnavailable(e);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

const WAITED = (ms: number) =>
  `The metadata database is busy: no connection came free within ${ms} ms. Try again shortly.`;

/** How long the database may keep a request waiting. */
export interface PostgresTimeouts {
  /** Longest wait for a pooled connection (default 5 s). */
  acquireMs?: number;
  /** Longest a statement may run on the server (`statement_timeout`, default 10 s). */
  statementMs?: number;
}

/** Connect a pool to a `postgresql://` URI (`client`: the driver's client class; tests script one). */
export function openPostgres(
  uri: string,
  options: { max?: number; client?: pg.PoolConfig["Client"] } & PostgresTimeouts = {},
): Database {
  const statementMs = options.statementMs ?? 10_000;
  const pool = new pg.Pool({
    ...(options.client ? { Client: options.client } : {}),
    connectionString: uri,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.acquireMs ?? 5_000,
    statement_timeout: statementMs,
    // The client gives up a little after the server would, in case the server cannot say so.
    query_timeout: statementMs + 2_000,
  });
  // An idle client's error (server restart) must not crash the process.
  pool.on("error", () => {});
  return new PostgresDatabase(pool, statementMs);
}
