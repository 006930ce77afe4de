/** Archiving a closed day of a deployment's log: its export as Parquet in the artifact store. */
import { Readable } from "node:stream";
import { isMwError, MwError } from "../../../core/errors.js";
import type { ArtifactStore } from "../../../tracking/artifacts/artifact-store.js";
import type { PredictionLogService } from "../log-service.js";
import { DAY_MS } from "../sql/day-partitions.js";
import type { ArchiveDay } from "./log-retention.js";

/** Where a day's archive goes: `prediction-logs/NAME/YYYY-MM-DD.parquet`. */
export function archivePath(deployment: string, day: number): string {
  return `prediction-logs/${deployment}/${new Date(day).toISOString().slice(0, 10)}.parquet`;
}

/** An {@link ArchiveDay} exporting through `log` (on its worker thread when it has one) into `artifacts`. */
export function archiveToArtifacts(log: PredictionLogService, artifacts: ArtifactStore): ArchiveDay {
  return async (deployment, day) => {
    const path = archivePath(deployment, day);
    try {
      const plan = await log.plan({ deployment, from: day, to: day + DAY_MS });
      const progress = { rows: 0 };
      const { size } = await artifacts.put(path, Readable.from(log.chunks(plan, "parquet", { progress })));
      return { path, rows: progress.rows, bytes: size };
    } catch (e) {
      throw archiveFailed(deployment, path, e);
    }
  };
}

/**
 * The failure with the archive it stopped: the store's own errors ("connect ECONNREFUSED ...",
 * "The specified bucket does not exist") say neither which deployment nor which day.
 */
function archiveFailed(deployment: string, path: string, e: unknown): MwError {
  const err = e as { name?: string; message?: string } | undefined;
  const why = err?.message || err?.name || String(e);
  const day = path.slice(path.lastIndexOf("/") + 1, -".parquet".length);
  const code = isMwError(e) ? e.code : "INTERNAL_ERROR";
  return new MwError(code, `archiving the prediction log of ${deployment} for ${day} to ${path} failed: ${why}`, {
    cause: e,
  });
}
