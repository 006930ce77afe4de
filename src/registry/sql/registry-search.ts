/** registered-models/search and model-versions/search: parse, run the compiled query, page by token. */
import type { ModelVersion, RegisteredModel } from "../../core/api/mlflow-entities.js";
import type { Database } from "../../core/db/database.js";
import type { Page } from "../../core/page.js";
import { decodePageToken, encodePageToken } from "../../core/page-token.js";
import {
  MODEL_VERSION_GRAMMAR,
  parseOrderBy,
  parseSearchFilter,
  REGISTERED_MODEL_GRAMMAR,
} from "../../tracking/search/filter-parser.js";
import type { RegistrySearchQuery } from "../registry-store.js";
import { buildModelVersionSearchQuery, buildRegisteredModelSearchQuery } from "../search/registry-search-sql.js";
import { pageSize, REGISTRY_LIMITS } from "../validation.js";
import { loadModels, loadVersions } from "./loaders.js";

/** One page of registered models in the requested order. */
export async function searchRegisteredModels(db: Database, query: RegistrySearchQuery): Promise<Page<RegisteredModel>> {
  const limit = pageSize(query.maxResults, REGISTRY_LIMITS.modelSearchDefault, REGISTRY_LIMITS.modelSearchMax);
  const offset = decodePageToken(query.pageToken);
  const { sql, params } = buildRegisteredModelSearchQuery(db.dialect, {
    clauses: parseSearchFilter(query.filter ?? "", REGISTERED_MODEL_GRAMMAR),
    orderBy: parseOrderBy(query.orderBy ?? [], REGISTERED_MODEL_GRAMMAR),
    limit: limit + 1,
    offset,
  });
  const names = (await db.all<{ name: string }>(sql, params)).map((r) => r.name);
  const items = await loadModels(db, names.slice(0, limit));
  return names.length > limit ? { items, nextPageToken: encodePageToken(offset + limit) } : { items };
}

/** One page of (non-deleted) model versions in the requested order. */
export async function searchModelVersions(db: Database, query: RegistrySearchQuery): Promise<Page<ModelVersion>> {
  const limit = pageSize(query.maxResults, REGISTRY_LIMITS.versionSearchDefault, REGISTRY_LIMITS.versionSearchMax);
  const offset = decodePageToken(query.pageToken);
  const { sql, params } = buildModelVersionSearchQuery(db.dialect, {
    clauses: parseSearchFilter(query.filter ?? "", MODEL_VERSION_GRAMMAR),
    orderBy: parseOrderBy(query.orderBy ?? [], MODEL_VERSION_GRAMMAR),
    limit: limit + 1,
    offset,
  });
  const keys = (await db.all<{ name: string; version: number }>(sql, params)).map((r) => ({
    name: r.name,
    version: Number(r.version),
  }));
  const items = await loadVersions(db, keys.slice(0, limit));
  return keys.length > limit ? { items, nextPageToken: encodePageToken(offset + limit) } : { items };
}
