/** The printed summary table and the JSON results file. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MLFLOW_2_12_ANCHOR as A, TARGETS as T } from "./anchors.js";
import type { SearchDiagnosis } from "./diagnose.js";
import type { HistoryLogResult, HistoryReadResult } from "./history.js";
import type { IngestResult, SearchResult } from "./measure.js";
import { REPO_ROOT } from "./server-process.js";
import type { Timing } from "./stats.js";

export interface BenchResults {
  ingest: IngestResult;
  search2k: SearchResult[];
  search100k: SearchResult[];
  historyLog: HistoryLogResult;
  historyRead: HistoryReadResult[];
  roundTrip: Timing;
  searchDiagnoses: (SearchDiagnosis & { runs: number })[];
}

type Row = [
  what: string,
  modelworks: string,
  serverCpu: string,
  mlflow: string,
  ratio: string,
  target: string,
  verdict: string,
];

export const SUMMARY_HEADERS = [
  "measurement",
  "Modelworks (wall clock)",
  "server CPU",
  "MLflow 2.12 (recorded)",
  "ratio",
  "target",
  "verdict",
];

const ms = (t: Timing) => `p50 ${t.medianMs.toFixed(1)} ms / p90 ${t.p90Ms.toFixed(1)} ms`;
const x = (r: number) => `${r.toFixed(1)}×`;
const ok = (pass: boolean) => (pass ? "PASS" : "MISS");
const int = (n: number) => n.toLocaleString("en-US");

/** Rows comparing each measured figure with the anchor and the target. */
export function summaryRows(r: BenchResults): Row[] {
  const rows: Row[] = [];
  const speedup = r.ingest.metricsPerSecond / A.ingestMetricsPerSecond;
  rows.push([
    `ingest: ${r.ingest.calls} × log-batch(${r.ingest.metricsPerCall})`,
    `${r.ingest.seconds.toFixed(2)} s, ${int(r.ingest.metricsPerSecond)} metrics/s`,
    `${r.ingest.serverCpuSeconds.toFixed(2)} s (${int(r.ingest.metricsPerServerCpuSecond)} metrics/CPU-s)`,
    `${A.ingestSeconds} s, ${int(A.ingestMetricsPerSecond)}/s`,
    x(speedup),
    `≥ ${T.ingestSpeedup}×`,
    ok(speedup >= T.ingestSpeedup),
  ]);
  for (const s of r.search2k) {
    const anchor =
      s.search === "auc" && s.maxResults === 100
        ? A.search2kMax100MedianMs
        : s.search === "auc" && s.maxResults === 1000
          ? A.search2kMax1000MedianMs
          : undefined;
    const ratio = anchor === undefined ? undefined : anchor / s.timing.medianMs;
    rows.push([
      `search ${s.search} @ ${int(s.runsInExperiment)} runs, max ${s.maxResults}${s.valid ? "" : " (INVALID PAGE)"}`,
      ms(s.timing),
      `${s.serverCpuMsPerCall} ms/call`,
      anchor === undefined ? "-" : `p50 ${anchor} ms`,
      ratio === undefined ? "-" : x(ratio),
      anchor === undefined ? "(info)" : `≥ ${T.search2kSpeedup}× faster`,
      ratio === undefined ? "-" : ok(ratio >= T.search2kSpeedup && s.valid),
    ]);
  }
  for (const s of r.search100k) {
    const targeted = s.maxResults === 100;
    rows.push([
      `search ${s.search} @ ${int(s.runsInExperiment)} runs, max ${s.maxResults}${s.valid ? "" : " (INVALID PAGE)"}`,
      ms(s.timing),
      `${s.serverCpuMsPerCall} ms/call`,
      "-",
      "-",
      targeted ? `p50 ≤ ${T.search100kMedianMs} ms` : "(info)",
      targeted ? ok(s.timing.medianMs <= T.search100kMedianMs && s.valid) : "-",
    ]);
  }
  const h = r.historyLog;
  rows.push([
    `history: log ${int(h.points)} points (${h.calls} calls)`,
    `${h.seconds.toFixed(2)} s, ${int(h.pointsPerSecond)}/s`,
    `${h.serverCpuSeconds.toFixed(2)} s`,
    "-",
    "-",
    "(info)",
    "-",
  ]);
  for (const p of r.historyRead) {
    const mem = p.server;
    rows.push([
      `history: read paged, max_results ${int(p.pageSize)} (${p.pages} pages)${p.complete ? "" : " (INCOMPLETE)"}`,
      `${p.seconds.toFixed(2)} s, ${int(p.pointsPerSecond)} points/s; RSS ${mem.rssBeforeMiB}→${mem.rssAfterMiB} MiB, peak +${mem.peakGrowthMiB} MiB`,
      `${p.serverCpuSeconds.toFixed(2)} s`,
      "-",
      "-",
      "paged, bounded memory",
      ok(p.complete),
    ]);
  }
  rows.push([`per-request floor: GET /health`, ms(r.roundTrip), "-", "-", "-", "(info)", "-"]);
  return rows;
}

/** An aligned text table. */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join(" | ")
      .trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}

/** The diagnostics block: per search, SQL vs run loading vs JSON, and the query plan. */
export function renderDiagnoses(ds: BenchResults["searchDiagnoses"]): string {
  const out: string[] = [];
  for (const d of ds) {
    out.push(
      `- ${d.search} @ ${int(d.runs)} runs, max ${d.maxResults}: id query p50 ${d.idQueryMedianMs} ms, ` +
        `loadRuns p50 ${d.loadRunsMedianMs} ms, JSON.stringify p50 ${d.jsonStringifyMedianMs} ms (${int(d.responseBytes)} bytes)`,
    );
    for (const p of d.plan) out.push(`    ${p}`);
  }
  return out.join("\n");
}

/** Write `bench/results/tracking-<timestamp>.json`; returns its path. */
export function writeJson(doc: Record<string, unknown>): string {
  const dir = join(REPO_ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const path = join(dir, `tracking-${stamp}.json`);
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  return path;
}
