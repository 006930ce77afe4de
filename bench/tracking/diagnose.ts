/**
 * Where the time goes, measured in the benchmark process on its own connection (not over HTTP):
 * the compiled search SQL and its EXPLAIN QUERY PLAN, the id query versus loading whole runs, and
 * log-batch straight into the store versus the same batch's JSON and schema parsing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mlflowRoutes } from "../../src/core/api/mlflow-routes.js";
import { resolveConfig } from "../../src/core/config.js";
import { openDatabase } from "../../src/core/db/open-database.js";
import { parseRequest } from "../../src/core/schema.js";
import { openPlatform } from "../../src/server/open-platform.js";
import { parseOrderBy, parseSearchFilter, RUN_GRAMMAR } from "../../src/tracking/search/filter-parser.js";
import { buildRunSearchQuery } from "../../src/tracking/search/run-search-sql.js";
import { loadRuns } from "../../src/tracking/sql/run-loader.js";
import { now, round, timeRepeated } from "./stats.js";
import type { SearchSpec } from "./workload.js";
import { ingestBatch } from "./workload.js";

export interface SearchDiagnosis {
  search: string;
  maxResults: number;
  sql: string;
  plan: string[];
  idQueryMedianMs: number;
  loadRunsMedianMs: number;
  jsonStringifyMedianMs: number;
  responseBytes: number;
}

/** Compile a search as the server does, explain it and time its two halves. */
export async function diagnoseSearch(
  storeUri: string,
  experimentId: string,
  spec: SearchSpec,
  maxResults: number,
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
    const rows = await db.all<{ id: number; parent: number; detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params);
    const depth = new Map<number, number>([[0, 0]]);
    const plan = rows.map((r) => {
      const d = (depth.get(r.parent) ?? 0) + 1;
      depth.set(r.id, d);
      return `${"  ".repeat(d - 1)}${r.detail}`;
    });
    const ids = (await db.all<{ run_uuid: string }>(sql, params)).map((r) => r.run_uuid).slice(0, maxResults);
    const idQuery = await timeRepeated(21, 2, () => db.all(sql, params));
    const load = await timeRepeated(21, 2, () => loadRuns(db, ids));
    const runs = await loadRuns(db, ids);
    let body = "";
    const stringify = await timeRepeated(21, 2, async () => {
      body = JSON.stringify({ runs });
    });
    return {
      search: spec.id,
      maxResults,
      sql: sql.replace(/\s+/g, " "),
      plan,
      idQueryMedianMs: idQuery.medianMs,
      loadRunsMedianMs: load.medianMs,
      jsonStringifyMedianMs: stringify.medianMs,
      responseBytes: Buffer.byteLength(body),
    };
  } finally {
    await db.close();
  }
}

export interface IngestDiagnosis {
  calls: number;
  metricsPerCall: number;
  /** SqlTrackingStore.logBatch in-process on a scratch SQLite file (no HTTP, no JSON). */
  storeOnlySeconds: number;
  storeOnlyMetricsPerSecond: number;
  /** Per 1,000-metric body: JSON.stringify (client), JSON.parse + route schema parse (server). */
  stringifyMedianMs: number;
  parseAndValidateMedianMs: number;
  bodyBytes: number;
}

/** The same ingest as phase 1, but calling the store directly, plus the per-body JSON costs. */
export async function diagnoseIngest(calls: number, perCall: number): Promise<IngestDiagnosis> {
  const home = mkdtempSync(join(tmpdir(), "mw-bench-store-"));
  const platform = await openPlatform(resolveConfig({ home }, {}, home));
  try {
    const t = platform.tracking;
    const experimentId = await t.createExperiment({ name: "store-only" });
    const t0 = Date.now();
    const warm = await t.createRun({ experimentId });
    for (let c = 0; c < 5; c++) await t.logBatch(warm.info.run_id, { metrics: ingestBatch(c, perCall, t0) });
    const run = await t.createRun({ experimentId });
    const started = now();
    for (let c = 0; c < calls; c++) await t.logBatch(run.info.run_id, { metrics: ingestBatch(c, perCall, t0) });
    const seconds = (now() - started) / 1000;
    const req = { run_id: run.info.run_id, metrics: ingestBatch(0, perCall, t0) };
    let text = "";
    const stringify = await timeRepeated(51, 5, async () => {
      text = JSON.stringify(req);
    });
    const parse = await timeRepeated(51, 5, async () =>
      parseRequest(mlflowRoutes.logBatch.request, JSON.parse(text), "json"),
    );
    return {
      calls,
      metricsPerCall: perCall,
      storeOnlySeconds: round(seconds, 3),
      storeOnlyMetricsPerSecond: Math.round((calls * perCall) / seconds),
      stringifyMedianMs: stringify.medianMs,
      parseAndValidateMedianMs: parse.medianMs,
      bodyBytes: Buffer.byteLength(text),
    };
  } finally {
    await platform.close();
    rmSync(home, { recursive: true, force: true });
  }
}
