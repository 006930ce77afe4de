/**
 * The SQL database contract shared by every metadata store. Stores write portable SQL with `?`
 * placeholders; what differs between SQLite and PostgreSQL lives in {@link SqlDialect}.
 */

/** A value bound to a placeholder. */
export type SqlValue = string | number | bigint | null | Uint8Array;

/** Something that runs statements: the database itself, or an open transaction. */
export interface Queryable {
  /** All rows of a query. */
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row of a query, if any. */
  get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** Run a statement; returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * Insert many rows into `table`. `conflict` is an optional `ON CONFLICT ...` clause; rows must
   * not repeat a conflict key (PostgreSQL refuses that inside one statement).
   */
  insertMany(table: string, columns: readonly string[], rows: readonly SqlValue[][], conflict?: string): Promise<void>;
}

/** What differs between SQL engines, as SQL fragments and predicates. */
export interface SqlDialect {
  readonly name: "sqlite" | "postgres";
  /** A case-insensitive LIKE of `lhs` against one `?` placeholder. */
  ilike(lhs: string): string;
  /** True when a driver error is a unique or primary-key violation. */
  isUniqueViolation(err: unknown): boolean;
  /** The column type for binary data. */
  readonly blobType: string;
  /** Serialise schema migrations across processes (runs inside the migration transaction). */
  lockForMigration(tx: Queryable): Promise<void>;
}

/** An open database. */
export interface Database extends Queryable {
  readonly dialect: SqlDialect;
  /** Run `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Run a script of statements (DDL) outside the statement cache. */
  exec(sql: string): Promise<void>;
  /** Close all connections. */
  close(): Promise<void>;
}
