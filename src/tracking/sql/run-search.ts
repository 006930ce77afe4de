/** runs/search: parse the filter and order, run the compiled query, page by opaque token. */
import type { Database } from "../../core/db/database.js";
import type { Page } from "../../core/page.js";
import { decodePageToken, encodePageToken } from "../../core/page-token.js";
import { parseOrderBy, parseSearchFilter, RUN_GRAMMAR } from "../search/filter-parser.js";
import { buildRunSearchQuery } from "../search/run-search-sql.js";
import type { RunSearchQuery } from "../tracking-store.js";
import { LIMITS, validateMaxResults } from "../validation.js";

/** The ids of one page of matching runs, in order. */
export async function searchRunIds(db: Database, query: RunSearchQuery): Promise<Page<string>> {
  const limit = query.maxResults ?? 1000;
  validateMaxResults(limit, LIMITS.runSearchMaxResults);
  const offset = decodePageToken(query.pageToken);
  const { sql, params } = buildRunSearchQuery(db.dialect, {
    experimentIds: [...query.experimentIds],
    viewType: query.viewType ?? "ACTIVE_ONLY",
    clauses: parseSearchFilter(query.filter ?? "", RUN_GRAMMAR),
    orderBy: parseOrderBy(query.orderBy ?? [], RUN_GRAMMAR),
    limit: limit + 1,
    offset,
  });
  const ids = (await db.all<{ run_uuid: string }>(sql, params)).map((r) => r.run_uuid);
  if (ids.length <= limit) return { items: ids };
  return { items: ids.slice(0, limit), nextPageToken: encodePageToken(offset + limit) };
}
