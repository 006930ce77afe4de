/** Small helpers the search query builders share: comparisons and an assembled SELECT. */
import type { SqlDialect, SqlValue } from "../../core/db/database.js";
import type { Clause } from "./filter-parser.js";

/** A SQL statement and its bound values. */
export interface BuiltQuery {
  sql: string;
  params: SqlValue[];
}

/** `lhs <comparator> ?` for one clause, pushing its values onto `params`; `=` and LIKE are case-sensitive. */
export function comparison(dialect: SqlDialect, lhs: string, clause: Clause, params: SqlValue[]): string {
  const { comparator, value } = clause;
  if (comparator === "IN" || comparator === "NOT IN") {
    const list = value as string[];
    params.push(...list);
    return `${lhs} ${comparator} (${list.map(() => "?").join(", ")})`;
  }
  params.push(value as string | number);
  if (comparator === "ILIKE") return dialect.ilike(lhs);
  if (comparator === "!=") return `${lhs} <> ?`;
  return `${lhs} ${comparator} ?`;
}

/** `expr ASC|DESC`. */
export function direction(expr: string, ascending: boolean): string {
  return `${expr} ${ascending ? "ASC" : "DESC"}`;
}

/** ORDER BY terms that put NULLs last in both directions on both engines. */
export function nullsLast(expr: string, ascending: boolean): string[] {
  return [`CASE WHEN ${expr} IS NULL THEN 1 ELSE 0 END`, direction(expr, ascending)];
}

/** A SELECT assembled from joins, WHERE conditions and ORDER BY terms, keeping values in text order. */
export class QueryParts {
  private readonly joins: string[] = [];
  private readonly joinParams: SqlValue[] = [];
  private readonly conditions: string[] = [];
  private readonly whereParams: SqlValue[] = [];
  readonly order: string[] = [];

  /** Add a join; `build` receives the array to push its values onto. */
  join(build: (params: SqlValue[]) => string): void {
    this.joins.push(build(this.joinParams));
  }

  /** Add a WHERE condition (ANDed); `build` receives the array to push its values onto. */
  where(build: (params: SqlValue[]) => string): void {
    this.conditions.push(build(this.whereParams));
  }

  /** The full statement: `select` (with its FROM), joins, WHERE, ORDER BY, LIMIT and OFFSET. */
  build(select: string, limit: number, offset: number): BuiltQuery {
    const sql = [select, ...this.joins];
    if (this.conditions.length > 0) sql.push(`WHERE ${this.conditions.join(" AND ")}`);
    if (this.order.length > 0) sql.push(`ORDER BY ${this.order.join(", ")}`);
    sql.push("LIMIT ? OFFSET ?");
    return { sql: sql.join(" "), params: [...this.joinParams, ...this.whereParams, limit, offset] };
  }
}
