/**
 * The retention flags of the processes that own the prediction log (`up`, `serve`): how often
 * logs and monitor results are trimmed, and how long monitor results are kept.
 */
import { parseDuration } from "../../core/duration.js";
import type { ResultsRetentionSettings } from "../../monitoring/live/sql/results-retention.js";
import { DEFAULT_RESULTS_RETENTION } from "../../monitoring/live/sql/results-retention.js";
import { CliError } from "../cli-context.js";

export const RETENTION_FLAGS = {
  "monitor-results-full": { type: "string" },
  "monitor-results-retention": { type: "string" },
  "retention-every": { type: "string" },
} as const;

/** The parsed retention flags. */
export interface RetentionFlags {
  everyMs: number;
  results: ResultsRetentionSettings;
}

/** Parse the retention flags (a bad value is a one-line error). */
export function retentionFlagsOf(values: {
  "retention-every"?: string | undefined;
  "monitor-results-full"?: string | undefined;
  "monitor-results-retention"?: string | undefined;
}): RetentionFlags {
  return {
    everyMs: retentionEvery(values["retention-every"]),
    results: resultsRetentionOf(values["monitor-results-full"], values["monitor-results-retention"]),
  };
}

/** --monitor-results-full and --monitor-results-retention (durations; full at most the retention). */
function resultsRetentionOf(full: string | undefined, retention: string | undefined): ResultsRetentionSettings {
  const fullMs = durationFlag("--monitor-results-full", full, DEFAULT_RESULTS_RETENTION.fullMs);
  const retentionMs = durationFlag("--monitor-results-retention", retention, DEFAULT_RESULTS_RETENTION.retentionMs);
  if (fullMs > retentionMs) {
    throw new CliError(
      `--monitor-results-full (${full ?? "1d"}) must not be longer than --monitor-results-retention (${retention ?? "30d"})`,
    );
  }
  return { fullMs, retentionMs };
}

function durationFlag(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  try {
    return parseDuration(flag, text);
  } catch {
    throw new CliError(`${flag}: expected a duration such as 10m, 12h or 30d, got '${text}'`);
  }
}

/** --retention-every: at least a second (a pass may take a while; passes never overlap). */
function retentionEvery(text: string | undefined): number {
  const ms = durationFlag("--retention-every", text, 600_000);
  if (ms < 1000) throw new CliError(`--retention-every: expected at least 1s, got '${text}'`);
  return ms;
}
