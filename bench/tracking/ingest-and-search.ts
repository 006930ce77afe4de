/**
 * Tracking benchmark: log-batch ingest, run search at 2,000 and 100,000 runs, and paged reads of
 * a 1,000,000-point metric history, against the real server in a child process over keep-alive
 * HTTP with one sequential client, compared with recorded MLflow 2.12 anchor figures.
 *
 *   node --import tsx bench/tracking/ingest-and-search.ts [--quick] [--keep] [--shared-store]
 *
 * --quick shrinks every size for a smoke run; --keep leaves the temporary homes on disk;
 * --shared-store runs every phase in one store (the ingest run's metric keys then dilute SQLite's
 * key statistics, which changes the search plans).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fetchWithAuthorization } from "../../src/cli/client-auth.js";
import { resolveConfig } from "../../src/core/config.js";
import type { MlflowApi } from "../../src/sdk/mlflow-client.js";
import { createMlflowClient } from "../../src/sdk/mlflow-client.js";
import { MLFLOW_2_12_ANCHOR, TARGETS } from "./anchors.js";
import { diagnoseSearch } from "./diagnose-search.js";
import { diagnoseHistory, diagnoseIngest } from "./diagnose-store.js";
import { HISTORY_KEY, logLongHistory, readHistoryPaged } from "./history.js";
import { nodeHttpFetch } from "./http-transport.js";
import { measureIngest, measureIngestPrebuilt, measureRoundTrip, measureSearch } from "./measure.js";
import { analyze, populateDirect, populateViaHttp } from "./populate.js";
import type { BenchResults } from "./report.js";
import { printReport, writeJson } from "./report.js";
import type { ServerProcess } from "./server-process.js";
import { startServerProcess } from "./server-process.js";
import { round } from "./stats.js";
import { SEARCH_AUC, SEARCH_THREE } from "./workload.js";

const quick = process.argv.includes("--quick");
const keep = process.argv.includes("--keep");
const sharedStore = process.argv.includes("--shared-store");
const SIZES = quick
  ? { ingestCalls: 10, perCall: 1000, smallRuns: 200, bigRuns: 5000, historyPoints: 50_000, repeats: 5 }
  : { ingestCalls: 100, perCall: 1000, smallRuns: 2000, bigRuns: 100_000, historyPoints: 1_000_000, repeats: 21 };
const HISTORY_PAGE_SIZES = [25_000, 10_000];

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const homes = [mkdtempSync(join(tmpdir(), "mw-bench-"))];
  if (!sharedStore) homes.push(mkdtempSync(join(tmpdir(), "mw-bench-")));
  const searchHome = homes[homes.length - 1] as string;
  const { storeUri } = resolveConfig({ home: searchHome }, {}, searchHome);
  const notes: string[] = [
    "Server: `node --import tsx src/cli/entry.ts server --home <tmp> --port 0` in a child process, SQLite (WAL) store.",
    "Client: one sequential client in the parent process. The targeted ingest row posts request bodies serialised before timing over one keep-alive node:http connection; the SDK rows add the client-side JSON encoding (fetch, node:http). Searches use the SDK over fetch.",
    `Machine: ${cpus().length} CPUs shared by client and server (and anything else running); wall-clock figures include both sides' CPU.`,
    sharedStore
      ? "One store for every phase (--shared-store)."
      : "Phase 1 runs in a fresh store of its own; phases 2–4 share a second store holding only the searched experiment before phase 4.",
  ];
  const loadBefore = loadavg();
  let server: ServerProcess = await startServerProcess(homes[0] as string);
  const client = (s: ServerProcess, base?: typeof fetch) =>
    createMlflowClient({ baseUrl: s.url, fetch: fetchWithAuthorization(s.authorization, base) });
  let api: MlflowApi = client(server);
  try {
    const roundTrip = await measureRoundTrip(server.url);
    log(`phase 1: ingest ${SIZES.ingestCalls} × log-batch(${SIZES.perCall})`);
    const ingestExp = (await api.createExperiment({ name: "bench-ingest" })).experiment_id;
    const ingestPrebuilt = await measureIngestPrebuilt(server.url, server, ingestExp, SIZES.ingestCalls, SIZES.perCall);
    const ingest = await measureIngest(api, server, ingestExp, SIZES.ingestCalls, SIZES.perCall);
    const httpApi = client(server, nodeHttpFetch());
    const ingestNodeHttp = await measureIngest(httpApi, server, ingestExp, SIZES.ingestCalls, SIZES.perCall);
    if (!sharedStore) {
      await server.stop();
      server = await startServerProcess(searchHome);
      api = client(server);
    }

    log(`phase 2: populate ${SIZES.smallRuns} runs over HTTP`);
    const searchExp = (await api.createExperiment({ name: "bench-search" })).experiment_id;
    const t0 = Date.now() - SIZES.bigRuns * 1000;
    const httpPopulateSeconds = await populateViaHttp(api, searchExp, { from: 0, to: SIZES.smallRuns, t0 });
    notes.push(
      `Population to ${SIZES.smallRuns} runs: HTTP createRun + logBatch (metrics auc, loss; params algo, lr; tag team), 4 requests in flight, ${httpPopulateSeconds.toFixed(1)} s. No ANALYZE at this size.`,
    );
    const searchDiagnoses: BenchResults["searchDiagnoses"] = [];
    const search2k = [];
    for (const [spec, max] of [
      [SEARCH_AUC, 100],
      [SEARCH_AUC, 1000],
      [SEARCH_THREE, 100],
    ] as const) {
      search2k.push(await measureSearch(api, server, searchExp, spec, max, SIZES.smallRuns, SIZES.repeats));
      searchDiagnoses.push(await diagnoseSearch(storeUri, searchExp, spec, max, SIZES.smallRuns));
    }

    log(`phase 3: populate to ${SIZES.bigRuns} runs with direct SQLite INSERTs`);
    const directSeconds = await populateDirect(storeUri, searchExp, { from: SIZES.smallRuns, to: SIZES.bigRuns, t0 });
    const analyzeSeconds = await analyze(storeUri);
    notes.push(
      `Population ${SIZES.smallRuns} → ${SIZES.bigRuns} runs: direct bulk INSERTs through openDatabase on a second SQLite connection (the same rows the API writes), ${directSeconds.toFixed(1)} s; then ANALYZE once (${analyzeSeconds.toFixed(2)} s).`,
      "The server was restarted after ANALYZE so its connection surely plans with the new statistics.",
    );
    await server.stop();
    server = await startServerProcess(searchHome);
    api = client(server);
    const search100k = [];
    for (const [spec, max] of [
      [SEARCH_AUC, 100],
      [SEARCH_THREE, 100],
      [SEARCH_AUC, 1000],
    ] as const) {
      search100k.push(await measureSearch(api, server, searchExp, spec, max, SIZES.bigRuns, SIZES.repeats));
      searchDiagnoses.push(await diagnoseSearch(storeUri, searchExp, spec, max, SIZES.bigRuns));
    }

    log(`phase 4: ${SIZES.historyPoints} point metric history`);
    const histExp = (await api.createExperiment({ name: "bench-history" })).experiment_id;
    const { runId, result: historyLog } = await logLongHistory(api, server, histExp, SIZES.historyPoints);
    const historyRead = [];
    const historyDiagnoses = [];
    for (const size of HISTORY_PAGE_SIZES) {
      historyRead.push(await readHistoryPaged(api, server, runId, SIZES.historyPoints, size));
      historyDiagnoses.push(await diagnoseHistory(storeUri, runId, HISTORY_KEY, size));
    }

    log("diagnostics: store-only ingest");
    const ingestDiagnosis = await diagnoseIngest(SIZES.ingestCalls, SIZES.perCall);
    const results: BenchResults = {
      ingest,
      ingestNodeHttp,
      ingestPrebuilt,
      search2k,
      search100k,
      historyLog,
      historyRead,
      roundTrip,
      searchDiagnoses,
      historyDiagnoses,
      ingestDiagnosis,
    };
    const loadAfter = loadavg();
    notes.push(`Load average (1/5/15 min) before ${fmtLoad(loadBefore)}, after ${fmtLoad(loadAfter)}.`);
    const rows = printReport(results, notes, quick);
    const path = writeJson({
      benchmark: "tracking/ingest-and-search",
      timestamp: new Date().toISOString(),
      quick,
      sharedStore,
      sizes: SIZES,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, loadBefore, loadAfter },
      anchor: MLFLOW_2_12_ANCHOR,
      targets: TARGETS,
      notes,
      summary: rows,
      results: { ...results, roundTrip: { ...roundTrip, samplesMs: undefined } },
      populate: {
        httpSeconds: round(httpPopulateSeconds),
        directSeconds: round(directSeconds),
        analyzeSeconds: round(analyzeSeconds),
      },
    });
    console.log(`\nResults: ${path}`);
  } finally {
    await server.stop();
    for (const home of homes) {
      if (keep) log(`kept ${home}`);
      else rmSync(home, { recursive: true, force: true });
    }
  }
}

const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");

await main();
