/** Choose a database implementation from a store URI. */
import { isAbsolute, resolve } from "node:path";
import { invalidParam } from "../errors.js";
import type { Database } from "./database.js";
import type { PostgresTimeouts } from "./postgres/postgres-database.js";
import { openPostgres } from "./postgres/postgres-database.js";
import { openSqlite } from "./sqlite/sqlite-database.js";

/**
 * Resolve a store URI to a database. `sqlite:///rel.db` is relative and `sqlite:////abs.db`
 * absolute (SQLAlchemy's rule, as MLflow uses it); a bare path means SQLite;
 * `postgresql://` and `postgres://` mean PostgreSQL.
 */
export function openDatabase(uri: string, cwd = process.cwd(), timeouts: PostgresTimeouts = {}): Database {
  if (/^postgres(ql)?:\/\//.test(uri)) return openPostgres(uri, timeouts);
  return openSqlite(sqlitePathOf(uri, cwd) ?? ":memory:", {
    ...(timeouts.statementMs !== undefined ? { lockWaitMs: timeouts.statementMs } : {}),
  });
}

/** The SQLite file a store URI names (undefined for an in-memory database); throws for other schemes. */
export function sqlitePathOf(uri: string, cwd = process.cwd()): string | undefined {
  if (/^postgres(ql)?:\/\//.test(uri)) throw invalidParam(`'${uri}' is not a SQLite store URI.`);
  if (uri.startsWith("sqlite:")) {
    const rest = uri.slice("sqlite:".length).replace(/^\/\//, "");
    if (rest === "" || rest === "/" || rest === "/:memory:") return undefined;
    const path = rest.slice(1);
    return isAbsolute(path) ? path : resolve(cwd, path);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw invalidParam(`Unsupported store URI '${uri}': expected sqlite:///PATH or postgresql://...`);
  }
  if (uri === ":memory:") return undefined;
  return isAbsolute(uri) ? uri : resolve(cwd, uri);
}
