/**
 * logged-models/search: MLflow's filter over attributes, params, tags and linked metrics (metric
 * clauses restricted to the `datasets` given), `order_by` objects, and pages by opaque token.
 */
import type { Database, SqlDialect, SqlValue } from "../../core/db/database.js";
import { invalidParam } from "../../core/errors.js";
import type { Page } from "../../core/page.js";
import { decodePageToken, encodePageToken } from "../../core/page-token.js";
import type { Clause } from "../search/filter-parser.js";
import { parseSearchFilter } from "../search/filter-parser.js";
import { type BuiltQuery, comparison, direction, nullsLast, QueryParts } from "../search/sql-parts.js";
import { LIMITS, validateMaxResults } from "../validation.js";
import { LOGGED_MODEL_ATTRIBUTES, LOGGED_MODEL_GRAMMAR } from "./logged-model-grammar.js";
import type { LoggedModelDatasetFilter, LoggedModelOrder, LoggedModelSearchQuery } from "./logged-model-store.js";

/** MLflow's default page size for logged models. */
export const LOGGED_MODEL_PAGE_DEFAULT = 50;

const COLUMNS: Readonly<Record<string, string>> = {
  name: "m.name",
  model_id: "m.model_id",
  model_type: "m.model_type",
  status: "m.status",
  source_run_id: "m.source_run_id",
  creation_timestamp: "m.creation_timestamp",
  last_updated_timestamp: "m.last_updated_timestamp",
};
const NULLABLE = new Set(["model_type", "source_run_id"]);

type OrderKey =
  | { kind: "attribute"; key: string; ascending: boolean }
  | { kind: "metric"; key: string; ascending: boolean; datasetName?: string; datasetDigest?: string };

/** The ids of one page of matching, active logged models, in order. */
export async function searchLoggedModelIds(db: Database, q: LoggedModelSearchQuery): Promise<Page<string>> {
  const limit = q.maxResults ?? LOGGED_MODEL_PAGE_DEFAULT;
  validateMaxResults(limit, LIMITS.runSearchMaxResults);
  const offset = decodePageToken(q.pageToken);
  const datasets = q.datasets ?? [];
  datasets.forEach((d, i) => {
    if (!d.datasetName) throw invalidParam(`Missing value for required parameter 'datasets[${i}].dataset_name'.`);
  });
  const clauses = parseSearchFilter(q.filter ?? "", LOGGED_MODEL_GRAMMAR).map(normalizeStatus);
  const { sql, params } = buildLoggedModelSearch(db.dialect, {
    experimentIds: q.experimentIds,
    clauses,
    datasets,
    orderBy: (q.orderBy ?? []).map(parseOrder),
    limit: limit + 1,
    offset,
  });
  const ids = (await db.all<{ model_id: string }>(sql, params)).map((r) => r.model_id);
  if (ids.length <= limit) return { items: ids };
  return { items: ids.slice(0, limit), nextPageToken: encodePageToken(offset + limit) };
}

/** Check one `order_by` object: an attribute or `metrics.<key>`. */
function parseOrder(o: LoggedModelOrder, i: number): OrderKey {
  const field = o.fieldName.trim();
  const ascending = o.ascending ?? true;
  if (o.datasetDigest && !o.datasetName) {
    throw invalidParam(`order_by[${i}]: 'dataset_digest' can only be given with 'dataset_name'.`);
  }
  const dot = field.indexOf(".");
  if (dot >= 0) {
    const entity = field.slice(0, dot);
    const key = field.slice(dot + 1).replace(/^`(.*)`$/, "$1");
    if (entity !== "metrics" || key === "") {
      throw invalidParam(`Invalid order_by[${i}].field_name '${field}': expected an attribute or 'metrics.<key>'.`);
    }
    return { kind: "metric", key, ascending, datasetName: o.datasetName, datasetDigest: o.datasetDigest };
  }
  const key = Object.hasOwn(LOGGED_MODEL_ATTRIBUTES, field) ? LOGGED_MODEL_ATTRIBUTES[field] : undefined;
  if (key === undefined) {
    const valid = Object.keys(LOGGED_MODEL_ATTRIBUTES).join(", ");
    throw invalidParam(`Invalid order_by[${i}].field_name '${field}' (valid: ${valid}, or metrics.<key>).`);
  }
  return { kind: "attribute", key, ascending };
}

/** `status = 'READY'` means the wire name `LOGGED_MODEL_READY`. */
function normalizeStatus(c: Clause): Clause {
  if (c.type !== "attribute" || c.key !== "status" || c.comparator === "LIKE" || c.comparator === "ILIKE") return c;
  const full = (v: string) => (v.startsWith("LOGGED_MODEL_") ? v : `LOGGED_MODEL_${v}`);
  return { ...c, value: Array.isArray(c.value) ? c.value.map(full) : full(String(c.value)) };
}

interface BuildInput {
  experimentIds: readonly string[];
  clauses: Clause[];
  datasets: readonly LoggedModelDatasetFilter[];
  orderBy: OrderKey[];
  limit: number;
  offset: number;
}

/** `SELECT m.model_id FROM logged_models m ...` returning the page's ids in their final order. */
export function buildLoggedModelSearch(dialect: SqlDialect, q: BuildInput): BuiltQuery {
  const parts = new QueryParts();
  const ids = q.experimentIds.filter((id) => /^\d+$/.test(id));
  parts.where((params) => {
    if (ids.length === 0) return "1 = 0";
    params.push(...ids);
    return `m.experiment_id IN (${ids.map(() => "?").join(", ")}) AND m.lifecycle_stage = 'active'`;
  });
  for (const c of q.clauses) parts.where((params) => clauseSql(dialect, c, q.datasets, params));
  if (q.datasets.length > 0 && !q.clauses.some((c) => c.type === "metric")) {
    // With datasets but no metric clause: models with any metric on those datasets.
    parts.where(
      (params) =>
        `EXISTS (SELECT 1 FROM logged_model_metrics x WHERE x.model_id = m.model_id AND ${onDatasets(q.datasets, params)})`,
    );
  }
  for (const [i, o] of q.orderBy.entries()) addOrder(parts, o, `o${i}`);
  if (!q.orderBy.some((o) => o.kind === "attribute" && o.key === "creation_timestamp"))
    parts.order.push("m.creation_timestamp DESC");
  if (!q.orderBy.some((o) => o.kind === "attribute" && o.key === "model_id")) parts.order.push("m.model_id ASC");
  return parts.build("SELECT m.model_id FROM logged_models m", q.limit, q.offset);
}

/** One comparison; a model lacking the param, tag or metric never matches (even for `!=`). */
function clauseSql(
  dialect: SqlDialect,
  c: Clause,
  datasets: readonly LoggedModelDatasetFilter[],
  params: SqlValue[],
): string {
  switch (c.type) {
    case "attribute":
      return comparison(dialect, COLUMNS[c.key] as string, c, params);
    case "param":
    case "tag": {
      const table = c.type === "param" ? "logged_model_params" : "logged_model_tags";
      params.push(c.key);
      return `EXISTS (SELECT 1 FROM ${table} x WHERE x.model_id = m.model_id AND x.key = ? AND ${comparison(dialect, "x.value", c, params)})`;
    }
    case "metric": {
      // Any linked point of the metric (on one of the datasets, when given) may match, as MLflow's SQL store.
      params.push(c.key);
      const cmp = comparison(dialect, "x.value", c, params);
      const on = datasets.length > 0 ? ` AND ${onDatasets(datasets, params)}` : "";
      return `EXISTS (SELECT 1 FROM logged_model_metrics x WHERE x.model_id = m.model_id AND x.key = ? AND x.is_nan = 0 AND ${cmp}${on})`;
    }
    default:
      throw invalidParam(`Logged models cannot be searched by ${c.type}.`);
  }
}

function onDatasets(datasets: readonly LoggedModelDatasetFilter[], params: SqlValue[]): string {
  const terms = datasets.map((d) => {
    params.push(d.datasetName);
    if (!d.datasetDigest) return "x.dataset_name = ?";
    params.push(d.datasetDigest);
    return "(x.dataset_name = ? AND x.dataset_digest = ?)";
  });
  return `(${terms.join(" OR ")})`;
}

function addOrder(parts: QueryParts, o: OrderKey, alias: string): void {
  if (o.kind === "attribute") {
    const column = COLUMNS[o.key] as string;
    parts.order.push(...(NULLABLE.has(o.key) ? nullsLast(column, o.ascending) : [direction(column, o.ascending)]));
    return;
  }
  // The latest point (by timestamp, then step) of the metric on the dataset asked for; NaN and
  // models without the metric sort last.
  parts.join((params) => {
    params.push(o.key);
    let on = "";
    if (o.datasetName) {
      params.push(o.datasetName);
      on += " AND dataset_name = ?";
    }
    if (o.datasetDigest) {
      params.push(o.datasetDigest);
      on += " AND dataset_digest = ?";
    }
    return `LEFT JOIN (SELECT model_id, CASE WHEN is_nan = 1 THEN NULL ELSE value END AS value,
        ROW_NUMBER() OVER (PARTITION BY model_id ORDER BY timestamp DESC, step DESC) AS rn
      FROM logged_model_metrics WHERE key = ?${on}) ${alias} ON ${alias}.model_id = m.model_id AND ${alias}.rn = 1`;
  });
  parts.order.push(...nullsLast(`${alias}.value`, o.ascending));
}
