/**
 * Retention in a platform process: the prediction log's and the monitor results', a pass soon
 * after start, then every `everyMs`.
 */
import { systemClock } from "../../core/clock.js";
import type { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import type { ResultsRetentionSettings } from "../../monitoring/live/sql/results-retention.js";
import { ResultsRetention } from "../../monitoring/live/sql/results-retention.js";
import { SqlWindowRetention } from "../../monitoring/live/windows/sql/sql-window-retention.js";
import type { Platform } from "../../server/open-platform.js";
import type { PredictionLogStore } from "../../serving/prediction-log/prediction-log-store.js";
import { archiveToArtifacts } from "../../serving/prediction-log/retention/archive-day.js";
import { LogRetention } from "../../serving/prediction-log/retention/log-retention.js";
import { SqliteWorkerPredictionLogStore } from "../../serving/prediction-log/sqlite-worker/sqlite-worker-prediction-log-store.js";
import type { CliIo } from "../cli-context.js";
import { processWarnings } from "./process-warnings.js";

/** Default time between retention passes. */
export const RETENTION_EVERY_MS = 10 * 60_000;

/** Start retention over `platform`'s log, deleting through `predictions`' writer when it has one. */
export function startLogRetention(
  platform: Platform,
  predictions: PredictionLogStore,
  io: CliIo,
  o: { everyMs?: number; results?: ResultsRetentionSettings; leases?: LeaseKeeper } = {},
): { stop(): Promise<void> } {
  const everyMs = o.everyMs ?? RETENTION_EVERY_MS;
  const warn = processWarnings(io);
  const retention = new LogRetention({
    db: platform.db,
    // On SQLite the deletes run on the log writer's thread, between its inserts.
    ...(predictions instanceof SqliteWorkerPredictionLogStore ? { upkeep: predictions.upkeepConnection() } : {}),
    clock: systemClock,
    archive: archiveToArtifacts(platform.predictionLog, platform.artifacts),
    // Window buckets go with the rows they were built from.
    followers: [new SqlWindowRetention(platform.db)],
  });
  const results = new ResultsRetention({
    db: platform.db,
    clock: systemClock,
    ...(o.results ? { settings: o.results } : {}),
  });
  let current: Promise<unknown> = Promise.resolve();
  // One replica at a time deletes (the others' passes would race it for the same rows).
  const mine = async () => (o.leases ? o.leases.hold("retention") : true);
  const tick = () => {
    current = mine()
      .then(async (held) => (held ? retention.runOnce() : { archived: [], failed: [] }))
      .then(
        (r) => {
          for (const a of r.archived) io.err(`archived the prediction log of ${a.deployment} to ${a.path}`);
          for (const f of r.failed) warn(`prediction log retention failed: ${f.message} (tried again next pass)`);
        },
        (e) => warn(`prediction log retention failed: ${(e as Error).message}`),
      )
      .then(async () => (o.leases && !o.leases.holds("retention") ? undefined : results.runOnce()))
      .catch((e) => warn(`monitor results retention failed: ${(e as Error).message}`));
  };
  const first = setTimeout(tick, Math.min(everyMs, 30_000));
  const timer = setInterval(tick, everyMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await current;
    },
  };
}
