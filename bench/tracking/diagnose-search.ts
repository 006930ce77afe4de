/**
 * Where search time goes, measured in the benchmark process on its own SQLite connection: the SQL
 * the server compiles (src/tracking/search/run-search-sql.ts), its EXPLAIN QUERY PLAN, the id query
 * versus loading whole runs versus JSON, and the same query with the join order forced.
 */
import type { Database, SqlValue } from "../../src/core/db/database.js";
import { openDatabase } from "../../src/core/db/open-database.js";
import { parseOrderBy, parseSearchFilter, RUN_GRAMMAR } from "../../src/tracking/search/filter-parser.js";
import { buildRunSearchQuery } from "../../src/tracking/search/run-search-sql.js";
import { loadRuns } from "../../src/tracking/sql/run-loader.js";
import { timeRepeated } from "./stats.js";
import type { SearchSpec } from "./workload.js";

export interface SearchDiagnosis {
  search: string;
  runs: number;
  maxResults: number;
  sql: string;
  plan: string[];
  idQueryMedianMs: number;
  loadRunsMedianMs: number;
  jsonStringifyMedianMs: number;
  responseBytes: number;
  /**
   * The same SQL with the other join-order policy, to show what pinning the order is worth: when
   * the compiled SQL pins it with CROSS JOINs, the variant lets the planner choose (plain JOINs);
   * when it does not and the first order key is the filtered metric `c0`, the variant pins it
   * (`FROM latest_metrics c0 CROSS JOIN runs r`).
   */
  /** Id query and loadRuns again after `PRAGMA cache_size` = {@link BIG_CACHE_MIB} MiB (SQLite's default is 2 MiB). */
  bigCache: { cacheMiB: number; idQueryMedianMs: number; loadRunsMedianMs: number };
  alternative?: { label: string; plan: string[]; idQueryMedianMs: number; sameIds: boolean };
}

/** A page cache that holds the runs, params, tags and latest_metrics b-trees of 100,000 runs. */
export const BIG_CACHE_MIB = 64;

const FROM_RUNS = "FROM runs r JOIN latest_metrics c0 ON ";
const FROM_METRIC = "FROM latest_metrics c0 CROSS JOIN runs r ON ";

/** Compile a search as the server does, explain it and time its parts. */
export async function diagnoseSearch(
  storeUri: string,
  experimentId: string,
  spec: SearchSpec,
  maxResults: number,
  runs: number,
): Promise<SearchDiagnosis> {
  const db = openDatabase(storeUri);
  try {
    const { sql, params } = buildRunSearchQuery(db.dialect, {
      experimentIds: [experimentId],
      viewType: "ACTIVE_ONLY",
      clauses: parseSearchFilter(spec.filter, RUN_GRAMMAR),
      orderBy: parseOrderBy(spec.orderBy, RUN_GRAMMAR),
      limit: maxResults + 1,
      offset: 0,
    });
    const ids = (await db.all<{ run_uuid: string }>(sql, params)).map((r) => r.run_uuid).slice(0, maxResults);
    const idQuery = await timeRepeated(21, 2, () => db.all(sql, params));
    const load = await timeRepeated(21, 2, () => loadRuns(db, ids));
    const loaded = await loadRuns(db, ids);
    let body = "";
    const stringify = await timeRepeated(21, 2, async () => {
      body = JSON.stringify({ runs: loaded });
    });
    const out: SearchDiagnosis = {
      search: spec.id,
      runs,
      maxResults,
      sql: sql.replace(/\s+/g, " "),
      plan: await explain(db, sql, params),
      idQueryMedianMs: idQuery.medianMs,
      loadRunsMedianMs: load.medianMs,
      jsonStringifyMedianMs: stringify.medianMs,
      responseBytes: Buffer.byteLength(body),
      bigCache: { cacheMiB: BIG_CACHE_MIB, idQueryMedianMs: 0, loadRunsMedianMs: 0 },
    };
    const alt = alternativeJoinOrder(sql);
    if (alt) {
      const altIds = (await db.all<{ run_uuid: string }>(alt.sql, params)).map((r) => r.run_uuid);
      const timing = await timeRepeated(21, 2, () => db.all(alt.sql, params));
      out.alternative = {
        label: alt.label,
        plan: await explain(db, alt.sql, params),
        idQueryMedianMs: timing.medianMs,
        sameIds: altIds.slice(0, maxResults).join() === ids.join(),
      };
    }
    await db.exec(`PRAGMA cache_size = -${BIG_CACHE_MIB * 1024}`);
    out.bigCache.idQueryMedianMs = (await timeRepeated(21, 2, () => db.all(sql, params))).medianMs;
    out.bigCache.loadRunsMedianMs = (await timeRepeated(21, 2, () => loadRuns(db, ids))).medianMs;
    return out;
  } finally {
    await db.close();
  }
}

function alternativeJoinOrder(sql: string): { label: string; sql: string } | undefined {
  if (sql.includes(" CROSS JOIN ")) {
    return { label: "planner-chosen join order (CROSS JOIN → JOIN)", sql: sql.replaceAll(" CROSS JOIN ", " JOIN ") };
  }
  if (sql.includes(FROM_RUNS) && sql.includes("ORDER BY c0.value")) {
    return {
      label: "pinned join order (latest_metrics c0 CROSS JOIN runs r)",
      sql: sql.replace(FROM_RUNS, FROM_METRIC),
    };
  }
  return undefined;
}

/** EXPLAIN QUERY PLAN as indented lines. */
export async function explain(db: Database, sql: string, params: SqlValue[]): Promise<string[]> {
  const rows = await db.all<{ id: number; parent: number; detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params);
  const depth = new Map<number, number>([[0, 0]]);
  return rows.map((r) => {
    const d = (depth.get(r.parent) ?? 0) + 1;
    depth.set(r.id, d);
    return `${"  ".repeat(d - 1)}${r.detail}`;
  });
}
