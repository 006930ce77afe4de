/** What runs a monitor's job: in this thread, or on a worker thread with a time budget. */
import type { MonitorConfig, MonitorResult } from "./monitor.js";
import type { MonitorJobDeps } from "./monitor-job.js";
import { runMonitorJob } from "./monitor-job.js";

export interface MonitorRunner {
  /** One run's results; rejects when the run fails or is cancelled (the message says which). */
  run(config: MonitorConfig): Promise<MonitorResult[]>;
  /** Stop what the runner holds (a worker thread). */
  close?(): Promise<void>;
}

/** Runs the job on the calling thread (the CLI, tests, in-memory stores). */
export function localRunner(deps: MonitorJobDeps): MonitorRunner {
  return { run: (config) => runMonitorJob(config, deps) };
}
