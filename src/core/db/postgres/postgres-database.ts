/** PostgreSQL through node-postgres: a pool, `?` placeholders rewritten to `$n`. */
import pg from "pg";
import type { Database, Queryable, SqlDialect, SqlValue } from "../database.js";

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
    const r = await this.client.query({ text: toDollarParams(sql), values: params as unknown[], types });
    return r.rows as T[];
  }
  async get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const r = await this.client.query({ text: toDollarParams(sql), values: params as unknown[], types });
    return r.rowCount ?? 0;
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
      await this.client.query({ text, values: values as unknown[] });
    }
  }
}

class PostgresDatabase extends PgQueryable implements Database {
  readonly dialect = postgresDialect;
  constructor(private readonly pool: pg.Pool) {
    super(pool);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const result = await fn(new PgQueryable(client));
      await client.query("COMMIT");
      return result;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Connect a pool to a `postgresql://` URI. */
export function openPostgres(uri: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString: uri, max: options.max ?? 10 });
  // An idle client's error (server restart) must not crash the process.
  pool.on("error", () => {});
  return new PostgresDatabase(pool);
}
