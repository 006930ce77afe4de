/** The printed summary table, the diagnostics block, and the JSON results file. */
import { join } from "node:path";
import { writeResultsFile } from "../lib/results-file.js";
import { MLFLOW_2_12_ANCHOR as A, TARGETS as T } from "./anchors.js";
import type { SearchDiagnosis } from "./diagnose-search.js";
import type { HistoryDiagnosis, IngestDiagnosis } from "./diagnose-store.js";
import type { HistoryLogResult, HistoryReadResult } from "./history.js";
import type { IngestResult, SearchResult } from "./measure.js";
import { REPO_ROOT } from "./server-process.js";
import type { Timing } from "./stats.js";

export interface BenchResults {
  ingest: IngestResult;
  ingestPrebuilt: IngestResult;
  ingestNodeHttp: IngestResult;
  search2k: SearchResult[];
  search100k: SearchResult[];
  historyLog: HistoryLogResult;
  historyRead: HistoryReadResult[];
  roundTrip: Timing;
  searchDiagnoses: SearchDiagnosis[];
  historyDiagnoses: HistoryDiagnosis[];
  ingestDiagnosis: IngestDiagnosis;
}

const HEADERS = [
  "measurement",
  "Modelworks (wall clock)",
  "server CPU",
  "MLflow 2.12 (recorded)",
  "ratio",
  "target",
  "verdict",
];
type Row = [string, string, string, string, string, string, string];

const ms = (t: Timing) => `p50 ${t.medianMs.toFixed(1)} ms / p90 ${t.p90Ms.toFixed(1)} ms`;
const x = (r: number) => `${r.toFixed(1)}×`;
const ok = (pass: boolean) => (pass ? "PASS" : "MISS");
const int = (n: number) => n.toLocaleString("en-US");

function ingestRow(what: string, r: IngestResult, targeted: boolean): Row {
  const speedup = r.metricsPerSecond / A.ingestMetricsPerSecond;
  return [
    `${what}: ${r.calls} × log-batch(${r.metricsPerCall})`,
    `${r.seconds.toFixed(2)} s, ${int(r.metricsPerSecond)} metrics/s`,
    `${r.serverCpuSeconds.toFixed(2)} s (${int(r.metricsPerServerCpuSecond)}/CPU-s)`,
    `${A.ingestSeconds} s, ${int(A.ingestMetricsPerSecond)}/s`,
    x(speedup),
    targeted ? `≥ ${T.ingestSpeedup}×` : "(info)",
    targeted ? ok(speedup >= T.ingestSpeedup) : "-",
  ];
}

function searchRow(s: SearchResult, small: boolean): Row {
  const what = `search ${s.search} @ ${int(s.runsInExperiment)} runs, max ${s.maxResults}${s.valid ? "" : " (INVALID PAGE)"}`;
  const cpu = `${s.serverCpuMsPerCall} ms/call`;
  const anchor =
    small && s.search === "auc"
      ? s.maxResults === 100
        ? A.search2kMax100MedianMs
        : A.search2kMax1000MedianMs
      : undefined;
  if (anchor !== undefined) {
    const ratio = anchor / s.timing.medianMs;
    return [
      what,
      ms(s.timing),
      cpu,
      `p50 ${anchor} ms`,
      x(ratio),
      `≥ ${T.search2kSpeedup}× faster`,
      ok(ratio >= T.search2kSpeedup && s.valid),
    ];
  }
  const targeted = !small && s.maxResults === 100;
  const verdict = targeted ? ok(s.timing.medianMs <= T.search100kMedianMs && s.valid) : "-";
  return [what, ms(s.timing), cpu, "-", "-", targeted ? `p50 ≤ ${T.search100kMedianMs} ms` : "(info)", verdict];
}

/** Rows comparing each measured figure with the anchor and the target. */
export function summaryRows(r: BenchResults): Row[] {
  const rows: Row[] = [
    ingestRow("ingest, pre-serialised bodies, node:http", r.ingestPrebuilt, true),
    ingestRow("ingest, SDK over fetch", r.ingest, false),
    ingestRow("ingest, SDK over node:http", r.ingestNodeHttp, false),
  ];
  for (const s of r.search2k) rows.push(searchRow(s, true));
  for (const s of r.search100k) rows.push(searchRow(s, false));
  const h = r.historyLog;
  rows.push([
    `history: log ${int(h.points)} points (${h.calls} calls)`,
    `${h.seconds.toFixed(2)} s, ${int(h.pointsPerSecond)}/s`,
    `${h.serverCpuSeconds.toFixed(2)} s`,
    ...(["-", "-", "(info)", "-"] as const),
  ]);
  for (const p of r.historyRead) {
    const m = p.server;
    rows.push([
      `history: read, max_results ${int(p.pageSize)} (${p.pages} pages)${p.complete ? "" : " (INCOMPLETE)"}`,
      `${p.seconds.toFixed(2)} s, ${int(p.pointsPerSecond)} points/s; RSS ${m.rssBeforeMiB}→${m.rssAfterMiB} MiB, peak +${m.peakGrowthMiB} MiB`,
      `${p.serverCpuSeconds.toFixed(2)} s`,
      ...(["-", "-", "paged, bounded memory", ok(p.complete)] as const),
    ]);
  }
  rows.push(["per-request floor: GET /health", ms(r.roundTrip), "-", "-", "-", "(info)", "-"]);
  return rows;
}

/** An aligned text table. */
export function renderTable(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join(" | ")
      .trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}

function diagnosisLines(r: BenchResults): string[] {
  const i = r.ingestDiagnosis;
  const out = [
    `- log-batch(${i.metricsPerCall}) straight into SqlTrackingStore: ${int(i.storeOnlyMetricsPerSecond)} metrics/s; ` +
      `with wal_autocheckpoint=0: ${int(i.storeOnlyNoAutoCheckpointMetricsPerSecond)} metrics/s`,
    `- per ${int(i.bodyBytes)}-byte body: JSON.stringify ${i.stringifyMedianMs} ms (client), JSON.parse + schema ${i.parseAndValidateMedianMs} ms (server); ` +
      `client CPU per call: fetch ${((r.ingest.clientCpuSeconds * 1000) / r.ingest.calls).toFixed(2)} ms, node:http ${((r.ingestNodeHttp.clientCpuSeconds * 1000) / r.ingestNodeHttp.calls).toFixed(2)} ms`,
  ];
  for (const h of r.historyDiagnoses) {
    out.push(
      `- history in-process, page ${int(h.pageSize)}: store ${h.storeSeconds} s, JSON.stringify ${h.stringifySeconds} s (${h.pages} pages)`,
    );
  }
  for (const d of r.searchDiagnoses) {
    out.push(
      `- search ${d.search} @ ${int(d.runs)} runs, max ${d.maxResults}: id query p50 ${d.idQueryMedianMs} ms, ` +
        `loadRuns p50 ${d.loadRunsMedianMs} ms, JSON.stringify p50 ${d.jsonStringifyMedianMs} ms (${int(d.responseBytes)} bytes)`,
    );
    for (const p of d.plan) out.push(`      ${p}`);
    const c = d.bigCache;
    out.push(
      `    with cache_size ${c.cacheMiB} MiB: id query p50 ${c.idQueryMedianMs} ms, loadRuns p50 ${c.loadRunsMedianMs} ms`,
    );
    if (d.alternative) {
      const f = d.alternative;
      out.push(`    vs ${f.label}: id query p50 ${f.idQueryMedianMs} ms, same ids: ${f.sameIds}`);
      for (const p of f.plan) out.push(`      ${p}`);
    }
  }
  return out;
}

/** Print the table, notes and diagnostics; returns the summary rows as objects for the JSON. */
export function printReport(r: BenchResults, notes: readonly string[], quick: boolean): Record<string, string>[] {
  const rows = summaryRows(r);
  console.log(`\nModelworks tracking benchmark${quick ? " (--quick: reduced sizes, targets not meaningful)" : ""}`);
  console.log(`Anchor: ${A.source}\n`);
  console.log(renderTable(HEADERS, rows));
  console.log("\nNotes:");
  for (const n of notes) console.log(`- ${n}`);
  console.log("\nWhere the time goes (in-process on the benchmark's own SQLite connection, no HTTP):");
  for (const l of diagnosisLines(r)) console.log(l);
  return rows.map((row) => Object.fromEntries(HEADERS.map((h, i) => [h, row[i] as string])));
}

/** Write `bench/results/tracking-<timestamp>.json`; returns its path. */
export function writeJson(doc: Record<string, unknown>): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return writeResultsFile(REPO_ROOT, join(REPO_ROOT, "bench", "results", `tracking-${stamp}.json`), doc);
}
