/**
 * Where write and history-read time goes, in-process on a scratch store or the bench store's own
 * connection: SqlTrackingStore.logBatch without HTTP (with and without SQLite's WAL auto-checkpoint
 * inside COMMIT), per-body JSON costs, and metric-history pages without HTTP.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mlflowRoutes } from "../../src/core/api/mlflow-routes.js";
import { systemClock } from "../../src/core/clock.js";
import { resolveConfig } from "../../src/core/config.js";
import { openDatabase } from "../../src/core/db/open-database.js";
import { parseRequest } from "../../src/core/schema.js";
import { openPlatform } from "../../src/server/open-platform.js";
import { SqlTrackingStore } from "../../src/tracking/sql/sql-tracking-store.js";
import { now, round, timeRepeated } from "./stats.js";
import { ingestBatch } from "./workload.js";

export interface IngestDiagnosis {
  calls: number;
  metricsPerCall: number;
  /** SqlTrackingStore.logBatch in-process on a scratch SQLite file (no HTTP, no JSON). */
  storeOnlyMetricsPerSecond: number;
  /** The same with `PRAGMA wal_autocheckpoint = 0`: what checkpointing inside COMMIT costs. */
  storeOnlyNoAutoCheckpointMetricsPerSecond: number;
  /** Per 1,000-metric body: JSON.stringify (client), JSON.parse + route schema parse (server). */
  stringifyMedianMs: number;
  parseAndValidateMedianMs: number;
  bodyBytes: number;
}

async function storeOnlyRate(calls: number, perCall: number, autoCheckpoint: boolean): Promise<number> {
  const home = mkdtempSync(join(tmpdir(), "mw-bench-store-"));
  const platform = await openPlatform(resolveConfig({ home }, {}, home));
  try {
    if (!autoCheckpoint) await platform.db.exec("PRAGMA wal_autocheckpoint = 0");
    const t = platform.tracking;
    const experimentId = await t.createExperiment({ name: "store-only" });
    const t0 = Date.now();
    const warm = await t.createRun({ experimentId });
    for (let c = 0; c < 5; c++) await t.logBatch(warm.info.run_id, { metrics: ingestBatch(c, perCall, t0) });
    const run = await t.createRun({ experimentId });
    const started = now();
    for (let c = 0; c < calls; c++) await t.logBatch(run.info.run_id, { metrics: ingestBatch(c, perCall, t0) });
    return Math.round((calls * perCall) / ((now() - started) / 1000));
  } finally {
    await platform.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** The phase-1 ingest straight into the store, plus the per-body JSON costs. */
export async function diagnoseIngest(calls: number, perCall: number): Promise<IngestDiagnosis> {
  const withCheckpoint = await storeOnlyRate(calls, perCall, true);
  const withoutCheckpoint = await storeOnlyRate(calls, perCall, false);
  const req = { run_id: "0".repeat(32), metrics: ingestBatch(0, perCall, Date.now()) };
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
    storeOnlyMetricsPerSecond: withCheckpoint,
    storeOnlyNoAutoCheckpointMetricsPerSecond: withoutCheckpoint,
    stringifyMedianMs: stringify.medianMs,
    parseAndValidateMedianMs: parse.medianMs,
    bodyBytes: Buffer.byteLength(text),
  };
}

export interface HistoryDiagnosis {
  pageSize: number;
  pages: number;
  /** SqlTrackingStore.getMetricHistory page by page, in-process (SQL + row mapping). */
  storeSeconds: number;
  /** JSON.stringify of every page, as the server does when it answers. */
  stringifySeconds: number;
}

/** Page the long history in-process on a second connection, to split SQL from HTTP and JSON. */
export async function diagnoseHistory(
  storeUri: string,
  runId: string,
  key: string,
  pageSize: number,
): Promise<HistoryDiagnosis> {
  const db = openDatabase(storeUri);
  try {
    const store = new SqlTrackingStore(db, { defaultArtifactRoot: "mlflow-artifacts:", clock: systemClock });
    let token: string | undefined;
    let pages = 0;
    let storeMs = 0;
    let stringifyMs = 0;
    do {
      const t = now();
      const page = await store.getMetricHistory(runId, key, { maxResults: pageSize, pageToken: token });
      const t1 = now();
      JSON.stringify({ metrics: page.items, next_page_token: page.nextPageToken });
      stringifyMs += now() - t1;
      storeMs += t1 - t;
      token = page.nextPageToken;
      pages++;
    } while (token);
    return { pageSize, pages, storeSeconds: round(storeMs / 1000, 3), stringifySeconds: round(stringifyMs / 1000, 3) };
  } finally {
    await db.close();
  }
}
