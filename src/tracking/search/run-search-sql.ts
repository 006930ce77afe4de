/** Compiles a parsed run search (filter, order_by, page) into one SQL query over the tracking schema. */
import type { SqlDialect, SqlValue } from "../../core/db/database.js";
import { invalidParam } from "../../core/errors.js";
import type { Clause, OrderKey } from "./filter-parser.js";
import { type BuiltQuery, comparison, direction, nullsLast, QueryParts } from "./sql-parts.js";

export type { BuiltQuery } from "./sql-parts.js";

/** Which lifecycle stages a search covers. */
export type ViewType = "ACTIVE_ONLY" | "DELETED_ONLY" | "ALL";

/** A validated run search. */
export interface RunSearchQuery {
  experimentIds: string[];
  viewType: ViewType;
  clauses: Clause[];
  orderBy: OrderKey[];
  limit: number;
  offset: number;
}

const ATTRIBUTE_COLUMNS: Readonly<Record<string, string>> = {
  run_id: "r.run_uuid",
  run_name: "r.name",
  user_id: "r.user_id",
  status: "r.status",
  start_time: "r.start_time",
  end_time: "r.end_time",
  artifact_uri: "r.artifact_uri",
};

const KEYED_TABLES = { metric: "latest_metrics", param: "params", tag: "tags" } as const;

const CONTEXT_TAG = "mlflow.data.context";

/** `SELECT r.run_uuid FROM runs r ...` returning the page's run ids in their final order. */
export function buildRunSearchQuery(dialect: SqlDialect, q: RunSearchQuery): BuiltQuery {
  const parts = new QueryParts();
  const filterAliases = firstFilterAliases(q.clauses);
  const first = q.orderBy[0];
  const driver = first ? filterAliases.get(entityKey(first)) : undefined;
  for (const [i, clause] of q.clauses.entries()) addClause(dialect, parts, clause, `c${i}`, driver);
  addScope(parts, q.experimentIds, q.viewType);
  for (const [i, key] of q.orderBy.entries()) addOrderKey(parts, key, `o${i}`, filterAliases);
  parts.order.push("r.start_time DESC", "r.run_uuid ASC");
  const from = driver ? `${keyedTable(first!.type)} ${driver} CROSS JOIN runs r` : "runs r";
  return parts.build(`SELECT r.run_uuid FROM ${from}`, q.limit, q.offset);
}

/** The first filter join per (type, key): an order key on the same entity reuses it. */
function firstFilterAliases(clauses: readonly Clause[]): Map<string, string> {
  const aliases = new Map<string, string>();
  for (const [i, c] of clauses.entries()) {
    if (isKeyed(c) && !aliases.has(entityKey(c))) aliases.set(entityKey(c), `c${i}`);
  }
  return aliases;
}

function addClause(dialect: SqlDialect, parts: QueryParts, clause: Clause, alias: string, driver?: string): void {
  switch (clause.type) {
    case "metric":
    case "param":
    case "tag":
      addKeyedClause(dialect, parts, clause, alias, driver);
      return;
    case "attribute":
      parts.where((params) => comparison(dialect, attributeColumn(clause.key), clause, params));
      return;
    case "dataset":
      parts.where((params) => datasetExists(dialect, clause, params));
      return;
  }
}

/**
 * One inner join per clause: a run lacking the key has no row, so it never matches (even `!=`).
 * When the first order key is filtered, its clause (`driver`) leads and every join is a CROSS JOIN
 * with its conditions in WHERE: that pins SQLite's join order, so it walks the (key, value) index
 * in order and stops at the LIMIT even after ANALYZE, whose statistics otherwise make it start from
 * runs and sort everything. PostgreSQL plans CROSS JOIN + WHERE like any inner join.
 */
function addKeyedClause(dialect: SqlDialect, parts: QueryParts, clause: Clause, alias: string, driver?: string): void {
  const table = keyedTable(clause.type);
  const condition = (params: SqlValue[]) => {
    params.push(clause.key);
    const nan = clause.type === "metric" ? ` AND ${alias}.is_nan = 0` : "";
    const cmp = comparison(dialect, `${alias}.value`, clause, params);
    return `${alias}.run_uuid = r.run_uuid AND ${alias}.key = ?${nan} AND ${cmp}`;
  };
  if (driver === undefined) {
    parts.join((params) => `JOIN ${table} ${alias} ON ${condition(params)}`);
    return;
  }
  if (alias !== driver) parts.join(() => `CROSS JOIN ${table} ${alias}`);
  parts.where(condition);
}

/** A run matches when any of its dataset inputs does. */
function datasetExists(dialect: SqlDialect, clause: Clause, params: SqlValue[]): string {
  if (clause.key === "context") {
    params.push(CONTEXT_TAG);
    const cmp = comparison(dialect, "t.value", clause, params);
    return `EXISTS (SELECT 1 FROM run_input_tags t WHERE t.run_uuid = r.run_uuid AND t.key = ? AND ${cmp})`;
  }
  const column = clause.key === "digest" ? "d.digest" : "d.name";
  const cmp = comparison(dialect, column, clause, params);
  return `EXISTS (SELECT 1 FROM run_inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid WHERE i.run_uuid = r.run_uuid AND ${cmp})`;
}

function addScope(parts: QueryParts, experimentIds: readonly string[], viewType: ViewType): void {
  // Experiment ids are BIGINT; a non-numeric id matches nothing (and would be a type error on PostgreSQL).
  const ids = experimentIds.filter((id) => /^\d+$/.test(id));
  parts.where((params) => {
    if (ids.length === 0) return "1 = 0";
    params.push(...ids);
    return `r.experiment_id IN (${ids.map(() => "?").join(", ")})`;
  });
  if (viewType === "ALL") return;
  parts.where((params) => {
    params.push(viewType === "ACTIVE_ONLY" ? "active" : "deleted");
    return "r.lifecycle_stage = ?";
  });
}

function addOrderKey(parts: QueryParts, key: OrderKey, alias: string, filterAliases: Map<string, string>): void {
  if (key.type === "attribute") {
    const column = attributeColumn(key.key);
    // end_time is NULL while a run is active; start_time is always set, so it keeps its index order.
    parts.order.push(
      ...(key.key === "end_time" ? nullsLast(column, key.ascending) : [direction(column, key.ascending)]),
    );
    return;
  }
  const filtered = filterAliases.get(entityKey(key));
  if (filtered !== undefined) {
    // The filter's INNER JOIN has no NULL (or NaN) rows, and ordering by its bare value lets
    // SQLite walk latest_metrics(key, value) in order and stop at the LIMIT.
    parts.order.push(direction(`${filtered}.value`, key.ascending));
    return;
  }
  const table = keyedTable(key.type);
  parts.join((params) => {
    params.push(key.key);
    return `LEFT JOIN ${table} ${alias} ON ${alias}.run_uuid = r.run_uuid AND ${alias}.key = ?`;
  });
  if (key.type === "metric") {
    // Real values first, then NaN (is_nan 1), then runs without the metric (NULL → 2), as MLflow.
    parts.order.push(`COALESCE(${alias}.is_nan, 2)`, direction(`${alias}.value`, key.ascending));
  } else {
    parts.order.push(...nullsLast(`${alias}.value`, key.ascending));
  }
}

function attributeColumn(key: string): string {
  if (!Object.hasOwn(ATTRIBUTE_COLUMNS, key)) throw invalidParam(`Invalid run attribute '${key}'`);
  return ATTRIBUTE_COLUMNS[key]!;
}

function keyedTable(type: string): string {
  if (!Object.hasOwn(KEYED_TABLES, type)) throw invalidParam(`Runs cannot be searched or ordered by ${type} here`);
  return KEYED_TABLES[type as keyof typeof KEYED_TABLES];
}

function isKeyed(c: Clause): boolean {
  return c.type === "metric" || c.type === "param" || c.type === "tag";
}

function entityKey(k: { type: string; key: string }): string {
  return `${k.type}\u0000${k.key}`;
}
