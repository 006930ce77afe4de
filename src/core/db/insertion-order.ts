/**
 * Insertion order of key/value child rows (params and tags), which MLflow lists in the order they
 * were first written. A `seq` column holds it: a new row gets one more than the largest `seq`
 * under its parent, and an upsert of an existing key keeps its `seq`, so its place, as MLflow's
 * update in place does. Neither engine keeps a usable physical order (PostgreSQL moves updated
 * rows), hence the explicit column. Concurrent writers may share a number; readers break ties by key.
 */
import type { Queryable, SqlValue } from "./database.js";
import type { MigrationStatement } from "./migrate.js";

/** The ORDER BY terms listing child rows in insertion order. */
export const INSERTION_ORDER = "seq, key";

/**
 * Migration statements adding `seq` to each table and numbering the rows already there: SQLite by
 * rowid (their true insertion order, as upserts keep the rowid), PostgreSQL by physical position.
 */
export function insertionOrderStatements(tables: readonly [table: string, parent: string[]][]): MigrationStatement[] {
  return tables.flatMap(([table, parent]): MigrationStatement[] => {
    const sameRow = [...parent, "key"].map((c) => `t.${c} = o.${c}`).join(" AND ");
    return [
      `ALTER TABLE ${table} ADD COLUMN seq BIGINT NOT NULL DEFAULT 0`,
      (d) =>
        d.name === "sqlite"
          ? `UPDATE ${table} SET seq = rowid`
          : `UPDATE ${table} AS t SET seq = o.n
             FROM (SELECT ${[...parent, "key"].join(", ")},
                     row_number() OVER (PARTITION BY ${parent.join(", ")} ORDER BY ctid) AS n FROM ${table}) o
             WHERE ${sameRow}`,
    ];
  });
}

/** The `seq` for the first new row under a parent (the rows matching `where`); 1 when it has none. */
export async function nextSeq(
  q: Queryable,
  table: string,
  where: string,
  params: readonly SqlValue[],
): Promise<number> {
  const row = await q.get<{ n: number | string | null }>(`SELECT MAX(seq) AS n FROM ${table} WHERE ${where}`, params);
  return Number(row?.n ?? 0) + 1;
}
