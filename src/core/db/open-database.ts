/** Choose a database implementation from a store URI. */
import { isAbsolute, resolve } from "node:path";
import { invalidParam } from "../errors.js";
import type { Database } from "./database.js";
import { openPostgres } from "./postgres/postgres-database.js";
import { openSqlite } from "./sqlite/sqlite-database.js";

/**
 * Resolve a store URI to a database. `sqlite:///rel.db` is relative and `sqlite:////abs.db`
 * absolute (SQLAlchemy's rule, as MLflow uses it); a bare path means SQLite;
 * `postgresql://` and `postgres://` mean PostgreSQL.
 */
export function openDatabase(uri: string, cwd = process.cwd()): Database {
  if (/^postgres(ql)?:\/\//.test(uri)) return openPostgres(uri);
  if (uri.startsWith("sqlite:")) {
    const rest = uri.slice("sqlite:".length).replace(/^\/\//, "");
    if (rest === "" || rest === "/" || rest === "/:memory:") return openSqlite(":memory:");
    const path = rest.startsWith("//") ? rest.slice(1) : rest.slice(1);
    return openSqlite(isAbsolute(path) ? path : resolve(cwd, path));
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    throw invalidParam(`Unsupported store URI '${uri}': expected sqlite:///PATH or postgresql://...`);
  }
  return openSqlite(isAbsolute(uri) ? uri : resolve(cwd, uri));
}
