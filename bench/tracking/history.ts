/**
 * Phase 4: a metric history of N points logged through log-batch, then read back page by page
 * (get-history with max_results + page_token) while sampling the server's RSS from /proc.
 */
import type { MlflowApi } from "../../src/sdk/mlflow-client.js";
import type { ServerProcess } from "./server-process.js";
import { sampleRss, withCpu } from "./server-process.js";
import { now, round } from "./stats.js";
import { historyBatch } from "./workload.js";

export interface HistoryLogResult {
  points: number;
  calls: number;
  method: string;
  seconds: number;
  pointsPerSecond: number;
  serverCpuSeconds: number;
}

export interface HistoryReadResult {
  pageSize: number;
  pages: number;
  points: number;
  complete: boolean;
  seconds: number;
  pointsPerSecond: number;
  firstPageMs: number;
  slowestPageMs: number;
  serverCpuSeconds: number;
  server: {
    rssBeforeMiB: number;
    rssAfterMiB: number;
    /** Largest RSS sampled every 10 ms while paging. */
    rssPeakSampledMiB: number;
    /** VmHWM after paging, with the HWM reset just before (null when the reset is not permitted). */
    hwmDuringMiB: number | null;
    peakGrowthMiB: number;
  };
}

export const HISTORY_KEY = "val_loss";

/** Log `points` points of one key into a new run, 1,000 per log-batch call, sequentially. */
export async function logLongHistory(
  api: MlflowApi,
  server: ServerProcess,
  experimentId: string,
  points: number,
): Promise<{ runId: string; result: HistoryLogResult }> {
  const { run } = await api.createRun({ experiment_id: experimentId, run_name: "long-history" });
  const perCall = 1000;
  const t0 = Date.now();
  const started = now();
  let calls = 0;
  const cpu = await withCpu(server, async () => {
    for (let step = 0; step < points; step += perCall) {
      const n = Math.min(perCall, points - step);
      await api.logBatch({ run_id: run.info.run_id, metrics: historyBatch(HISTORY_KEY, step, n, t0) });
      calls++;
    }
  });
  const seconds = (now() - started) / 1000;
  return {
    runId: run.info.run_id,
    result: {
      points,
      calls,
      method: "HTTP runs/log-batch, 1,000 points per call, sequential",
      seconds: round(seconds, 3),
      pointsPerSecond: Math.round(points / seconds),
      serverCpuSeconds: cpu.serverCpuMs / 1000,
    },
  };
}

/** Page through the whole history with `pageSize`, checking order and completeness. */
export async function readHistoryPaged(
  api: MlflowApi,
  server: ServerProcess,
  runId: string,
  expected: number,
  pageSize: number,
): Promise<HistoryReadResult> {
  const before = server.memory();
  const hwmReset = server.resetPeak();
  const sampler = sampleRss(server.pid);
  let token: string | undefined;
  let pages = 0;
  let points = 0;
  let nextStep = 0;
  let ordered = true;
  let firstPageMs = 0;
  let slowestPageMs = 0;
  const started = now();
  const cpu0 = server.cpuMs();
  do {
    const t = now();
    const page = await api.getMetricHistory({
      run_id: runId,
      metric_key: HISTORY_KEY,
      max_results: pageSize,
      page_token: token,
    });
    const ms = now() - t;
    if (pages === 0) firstPageMs = ms;
    slowestPageMs = Math.max(slowestPageMs, ms);
    for (const m of page.metrics ?? []) {
      if (m.step !== nextStep) ordered = false;
      nextStep++;
    }
    points += page.metrics?.length ?? 0;
    pages++;
    token = page.next_page_token || undefined;
  } while (token);
  const seconds = (now() - started) / 1000;
  const serverCpuSeconds = (server.cpuMs() - cpu0) / 1000;
  const peakSampled = sampler.stop();
  const after = server.memory();
  const hwm = hwmReset ? after.hwmMiB : null;
  return {
    pageSize,
    pages,
    points,
    complete: ordered && points === expected,
    seconds: round(seconds, 3),
    pointsPerSecond: Math.round(points / seconds),
    firstPageMs: round(firstPageMs),
    slowestPageMs: round(slowestPageMs),
    serverCpuSeconds,
    server: {
      rssBeforeMiB: round(before.rssMiB, 1),
      rssAfterMiB: round(after.rssMiB, 1),
      rssPeakSampledMiB: round(peakSampled, 1),
      hwmDuringMiB: hwm === null ? null : round(hwm, 1),
      peakGrowthMiB: round(Math.max(peakSampled, hwm ?? 0) - before.rssMiB, 1),
    },
  };
}
