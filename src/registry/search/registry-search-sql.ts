/** Compiles parsed registered-model and model-version searches into SQL queries. */
import type { SqlDialect } from "../../core/db/database.js";
import {
  attributeOrder,
  buildEntitySearch,
  type EntitySearch,
  type EntityTables,
} from "../../tracking/search/entity-search-sql.js";
import type { BuiltQuery } from "../../tracking/search/sql-parts.js";

export type { EntitySearch } from "../../tracking/search/entity-search-sql.js";

const MODEL_TABLES: EntityTables = {
  select: "SELECT m.name FROM registered_models m",
  columns: {
    name: "m.name",
    creation_timestamp: "m.creation_time",
    last_updated_timestamp: "m.last_updated_time",
  },
  tagJoin: (a) => `JOIN registered_model_tags ${a} ON ${a}.name = m.name AND ${a}.key = ?`,
};

const VERSION_TABLES: EntityTables = {
  select: "SELECT v.name, v.version FROM model_versions v",
  columns: {
    name: "v.name",
    version_number: "v.version",
    run_id: "v.run_id",
    model_id: "v.model_id",
    source_path: "v.source",
    creation_timestamp: "v.creation_time",
    last_updated_timestamp: "v.last_updated_time",
  },
  tagJoin: (a) => `JOIN model_version_tags ${a} ON ${a}.name = v.name AND ${a}.version = v.version AND ${a}.key = ?`,
};

const MODEL_TIE_BREAK = [attributeOrder("name", true)];
const VERSION_TIE_BREAK = [attributeOrder("name", true), attributeOrder("version_number", false)];

/** `SELECT m.name FROM registered_models m ...` in the final order (ties on name ASC). */
export function buildRegisteredModelSearchQuery(dialect: SqlDialect, q: EntitySearch): BuiltQuery {
  return buildEntitySearch(dialect, MODEL_TABLES, q, MODEL_TIE_BREAK);
}

/** `SELECT v.name, v.version FROM model_versions v ...` without deleted versions (ties on name ASC, version DESC). */
export function buildModelVersionSearchQuery(dialect: SqlDialect, q: EntitySearch): BuiltQuery {
  return buildEntitySearch(dialect, VERSION_TABLES, q, VERSION_TIE_BREAK, (parts) => {
    parts.where(() => "v.deleted = 0");
  });
}
