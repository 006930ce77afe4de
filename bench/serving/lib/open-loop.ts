/**
 * Open-loop fixed-rate load: runs open-loop-worker.ts in its own process (so it never shares the
 * server's event loop or this script's), streams its per-interval reports, resolves to the summary.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { killOnExit } from "./child-server.js";
import type { LatencyStats } from "./latency-stats.js";
import { libScript, REPO_ROOT } from "./paths.js";

export interface OpenLoopConfig {
  /** Full URL requests go to, e.g. `http://127.0.0.1:8080/invocations`. */
  url: string;
  /** Requests per second, sent on a fixed timetable. */
  rate: number;
  /** Untimed lead-in at the same rate (JIT, connection set-up). */
  warmupS: number;
  durationS: number;
  /** Keep-alive sockets (http.Agent maxSockets); requests beyond them queue, and that wait counts. */
  connections: number;
  /** Length of the reporting intervals. */
  intervalS: number;
  /** A request with no answer after this long is counted as an error. */
  timeoutMs: number;
}

export interface Counts {
  /** Requests scheduled in the measured window. */
  scheduled: number;
  ok: number;
  non2xx: number;
  /** No HTTP answer: connection errors, resets, timeouts. */
  errors: number;
  statuses: Record<string, number>;
  errorCodes: Record<string, number>;
  /** Responses by `x-modelworks-model` header (which version answered). */
  models: Record<string, number>;
}

export interface IntervalReport extends Counts {
  type: "interval";
  index: number;
  startS: number;
  /** From the scheduled send time to the end of the response (coordinated omission corrected). */
  latencyMs: LatencyStats;
  /** From the actual send to the end of the response (what a closed-loop tool would report). */
  serviceMs: LatencyStats;
}

export interface SummaryReport extends Counts {
  type: "summary";
  targetRate: number;
  durationS: number;
  /** Answered requests (any status) per second of the measured window. */
  achievedRate: number;
  latencyMs: LatencyStats;
  serviceMs: LatencyStats;
  /** How late the generator itself sent requests (actual − scheduled send time). */
  latenessMs: LatencyStats;
}

export type WorkerLine = { type: "start" } | IntervalReport | SummaryReport;

export interface OpenLoopHooks {
  /** The measured window begins (after the warm-up). */
  onStart?: () => void;
  onInterval?: (report: IntervalReport) => void;
}

/** Run the generator to completion. */
export function runOpenLoop(config: OpenLoopConfig, hooks: OpenLoopHooks = {}): Promise<SummaryReport> {
  const child = spawn(process.execPath, ["--import", "tsx", libScript("open-loop-worker.ts"), JSON.stringify(config)], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  killOnExit(child);
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  let summary: SummaryReport | undefined;
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    if (!line.startsWith("{")) return;
    const msg = JSON.parse(line) as WorkerLine;
    if (msg.type === "start") hooks.onStart?.();
    else if (msg.type === "interval") hooks.onInterval?.(msg);
    else summary = msg;
  });
  return new Promise((resolve, reject) => {
    child.once("close", (code) => {
      if (code === 0 && summary) resolve(summary);
      else reject(new Error(`load generator failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}
