/**
 * What one serving process says it serves for one deployment, written by the process itself on a
 * heartbeat: the stored deployment is what should be served, these reports are what is.
 */

/** One model a process answers with. */
export interface ServedModel {
  variant: "primary" | "candidate";
  model: string;
  version: string;
}

/** One process's report for one deployment. */
export interface ServingReport {
  /** Unique per process start (`host:pid:random`). */
  instance: string;
  deployment: string;
  /** `up` (every active deployment) or `serve` (one). */
  kind: "up" | "serve";
  host: string;
  pid: number;
  /** Where the process listens, once it does. */
  url?: string;
  /** Empty until the first load succeeds. */
  served: ServedModel[];
  /** The candidate's share in percent as applied (0 in shadow mode). */
  candidateWeight: number;
  shadow: boolean;
  /** The deployment generation the served snapshot was built from (0: nothing loaded). */
  generation: number;
  /** The latest load failure, if the latest attempt failed. */
  lastError?: string;
  startedTime: number;
  /** When the process last wrote this report. */
  seenTime: number;
}

/** How often processes write their reports, and after how long without one a report is stale. */
export const SERVING_REPORT_INTERVAL_MS = 5_000;
export const SERVING_REPORT_STALE_MS = 3 * SERVING_REPORT_INTERVAL_MS;
/** Reports not refreshed for this long are removed (a process that died without saying goodbye). */
export const SERVING_REPORT_FORGET_MS = 60 * 60 * 1000;

/** `current` (serves the stored generation), `behind` (an older one), `failing` or `stale` (no report lately). */
export type ServingState = "current" | "behind" | "failing" | "stale";

/** A report's state against the stored deployment's generation at `now`. */
export function servingState(r: ServingReport, storedGeneration: number, now: number): ServingState {
  if (now - r.seenTime > SERVING_REPORT_STALE_MS) return "stale";
  if (r.lastError !== undefined) return "failing";
  return r.generation === storedGeneration ? "current" : "behind";
}
