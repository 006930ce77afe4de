/** Compiles a parsed experiment search into one SQL query. */
import type { SqlDialect } from "../../core/db/database.js";
import { attributeOrder, buildEntitySearch, type EntitySearch, type EntityTables } from "./entity-search-sql.js";
import type { ViewType } from "./run-search-sql.js";
import type { BuiltQuery } from "./sql-parts.js";

/** A validated experiment search. */
export interface ExperimentSearchQuery extends EntitySearch {
  viewType: ViewType;
}

const TABLES: EntityTables = {
  select: "SELECT e.experiment_id FROM experiments e",
  columns: {
    name: "e.name",
    experiment_id: "e.experiment_id",
    creation_time: "e.creation_time",
    last_update_time: "e.last_update_time",
  },
  tagJoin: (a) => `JOIN experiment_tags ${a} ON ${a}.experiment_id = e.experiment_id AND ${a}.key = ?`,
};

// MLflow's SQL store: newest first when no order is given, then ties on experiment_id DESC.
const DEFAULT_ORDER = [attributeOrder("creation_time", false), attributeOrder("experiment_id", true)];
const TIE_BREAK = [attributeOrder("experiment_id", false)];

/** `SELECT e.experiment_id FROM experiments e ...` returning the page's ids in their final order. */
export function buildExperimentSearchQuery(dialect: SqlDialect, q: ExperimentSearchQuery): BuiltQuery {
  const orderBy = q.orderBy.length > 0 ? q.orderBy : DEFAULT_ORDER;
  return buildEntitySearch(dialect, TABLES, { ...q, orderBy }, TIE_BREAK, (parts) => {
    if (q.viewType === "ALL") return;
    parts.where((params) => {
      params.push(q.viewType === "ACTIVE_ONLY" ? "active" : "deleted");
      return "e.lifecycle_stage = ?";
    });
  });
}
