/**
 * Worker thread entry: runs monitor jobs (window reads, drift, realized performance) on its own
 * read-only connection, away from the thread that answers requests. One message per run; the
 * thread that started it stops it when a run overruns its budget.
 */
import { parentPort, workerData } from "node:worker_threads";
import { lowerThreadPriority } from "../../../core/thread-priority.js";
import { Pacer } from "../../../core/threads/pacer.js";
import { ServingActivity } from "../../../core/threads/serving-activity.js";
import type { MonitorConfig, MonitorResult } from "../monitor.js";
import { runMonitorJob } from "../monitor-job.js";
import type { WorkerStoresConfig } from "./worker-platform.js";
import { openWorkerPlatform } from "./worker-platform.js";

/** What the runner sends. */
export type RunRequest =
  | { type: "run"; id: number; config: MonitorConfig; now: number }
  | { type: "close"; id: number };

/** What the worker answers. */
export type RunReply =
  | { id: number; ok: true; results: MonitorResult[] }
  | { id: number; ok: false; message: string }
  | { id: number; closed: true }
  /** The run paused this long to give way to serving (its budget moves by as much). */
  | { id: number; paused: number }
  | { ready: true };

/** Settings of the thread. */
export interface RunWorkerData {
  stores: WorkerStoresConfig;
  /** Bound on each statement (PostgreSQL): a run never outlives its budget on the server either. */
  statementMs: number;
  maxRows?: number;
  maxLabels?: number;
  /** The serving thread's request count, and the share of a core runs may use while requests flow. */
  pacing?: { activity: SharedArrayBuffer; share: number };
}

const port = parentPort;
if (!port) throw new Error("monitor-run-worker runs as a worker thread");
const data = workerData as RunWorkerData;
// Monitor work competes with serving for the same cores: the serving thread goes first.
lowerThreadPriority();
const platform = openWorkerPlatform(data.stores, { readonly: true, statementMs: data.statementMs });
// Budgets count from here: loading the thread is not part of a run.
port.postMessage({ ready: true } satisfies RunReply);

port.on("message", (m: RunRequest) => {
  if (m.type === "close") {
    void platform.close().finally(() => port.postMessage({ id: m.id, closed: true } satisfies RunReply));
    return;
  }
  const pacer = data.pacing
    ? new Pacer(new ServingActivity(data.pacing.activity), {
        share: data.pacing.share,
        paused: (ms) => port.postMessage({ id: m.id, paused: ms } satisfies RunReply),
      })
    : undefined;
  runMonitorJob(m.config, {
    predictions: platform.predictions,
    windows: platform.windows,
    facts: platform.facts,
    clock: { now: () => m.now },
    ...(data.maxRows !== undefined ? { maxRows: data.maxRows } : {}),
    ...(data.maxLabels !== undefined ? { maxLabels: data.maxLabels } : {}),
    ...(pacer ? { pace: pacer.pace } : {}),
  }).then(
    // The run's last stretch counts too, or runs back to back would add theirs up unpaced.
    async (results) => {
      await pacer?.pace();
      if (pacer && pacer.pausedMs > 0) {
        const note = pausedNote(pacer.pausedMs, pacer.share);
        for (const r of results) r.notes.push(note);
      }
      port.postMessage({ id: m.id, ok: true, results } satisfies RunReply);
    },
    (e: unknown) =>
      port.postMessage({ id: m.id, ok: false, message: (e as Error).message ?? String(e) } satisfies RunReply),
  );
});

/** What a result says about a run that gave way to serving (its window is the same either way). */
function pausedNote(pausedMs: number, share: number): string {
  const percent = +(share * 100).toFixed(2);
  return `the run paused ${(pausedMs / 1000).toFixed(1)} s in all to give way to predictions being served (up --monitor-cpu ${percent}%)`;
}
