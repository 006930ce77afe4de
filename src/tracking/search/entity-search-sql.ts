/**
 * The query builder behind experiment, registered-model and model-version search: attributes are
 * columns, tags are a key/value table, and every order key is a NOT NULL column.
 */
import type { SqlDialect } from "../../core/db/database.js";
import { invalidParam } from "../../core/errors.js";
import type { Clause, OrderKey } from "./filter-parser.js";
import { type BuiltQuery, comparison, direction, QueryParts } from "./sql-parts.js";

/** How one resource maps onto its tables. */
export interface EntityTables {
  /** `SELECT ... FROM <table> <alias>`. */
  readonly select: string;
  /** Attribute key → column, for filters and ordering. */
  readonly columns: Readonly<Record<string, string>>;
  /** `JOIN <tags> <alias> ON ... AND <alias>.key = ?` for a tag clause with the given alias. */
  readonly tagJoin: (alias: string) => string;
}

/** A validated search over one of these resources. */
export interface EntitySearch {
  clauses: Clause[];
  orderBy: OrderKey[];
  limit: number;
  offset: number;
}

/**
 * Build the query. `scope` adds resource-wide conditions; `tieBreak` keys are appended unless the
 * same key is already ordered on.
 */
export function buildEntitySearch(
  dialect: SqlDialect,
  tables: EntityTables,
  q: EntitySearch,
  tieBreak: readonly OrderKey[],
  scope?: (parts: QueryParts) => void,
): BuiltQuery {
  const parts = new QueryParts();
  for (const [i, clause] of q.clauses.entries()) addClause(dialect, parts, tables, clause, `c${i}`);
  scope?.(parts);
  const keys = [...q.orderBy, ...tieBreak.filter((t) => !q.orderBy.some((o) => o.key === t.key))];
  for (const key of keys) {
    if (key.type !== "attribute") throw invalidParam(`Invalid order_by entity: ${key.type}`);
    parts.order.push(direction(column(tables, key.key), key.ascending));
  }
  return parts.build(tables.select, q.limit, q.offset);
}

/** An ascending or descending attribute order key. */
export function attributeOrder(key: string, ascending: boolean): OrderKey {
  return { type: "attribute", key, ascending };
}

function addClause(dialect: SqlDialect, parts: QueryParts, tables: EntityTables, clause: Clause, alias: string): void {
  if (clause.type === "attribute") {
    parts.where((params) => comparison(dialect, column(tables, clause.key), clause, params));
    return;
  }
  if (clause.type !== "tag") throw invalidParam(`Invalid search entity: ${clause.type}`);
  // An INNER JOIN: an entity without the tag never matches, even for `!=`.
  parts.join((params) => {
    params.push(clause.key);
    return `${tables.tagJoin(alias)} AND ${comparison(dialect, `${alias}.value`, clause, params)}`;
  });
}

function column(tables: EntityTables, key: string): string {
  if (!Object.hasOwn(tables.columns, key)) throw invalidParam(`Invalid attribute key '${key}'`);
  return tables.columns[key]!;
}
