/** The serving host of `serve` and `up` over the platform's stores. */
import { join } from "node:path";
import { systemClock } from "../../core/clock.js";
import type { PlatformConfig } from "../../core/config.js";
import { sqlitePathOf } from "../../core/db/open-database.js";
import { registerFeatureFreshness } from "../../features/online/freshness-gauge.js";
import type { OnlineFeatureService } from "../../features/online/online-feature-service.js";
import { aggregatingLog, workerStores } from "../../monitoring/live/worker/off-thread.js";
import type { Platform } from "../../server/open-platform.js";
import { openFeatureServices } from "../../server/platform/feature-services.js";
import { featureLookupFactory } from "../../serving/features/feature-lookup.js";
import type { PredictionLogStore } from "../../serving/prediction-log/prediction-log-store.js";
import { FileSpool } from "../../serving/prediction-log/spool/file-spool.js";
import { SqlPredictionLogStore } from "../../serving/prediction-log/sql/sql-prediction-log-store.js";
import { SqliteWorkerPredictionLogStore } from "../../serving/prediction-log/sqlite-worker/sqlite-worker-prediction-log-store.js";
import { ServingHost } from "../../serving/serving-host.js";
import type { CliIo } from "../cli-context.js";
import { CliError } from "../cli-context.js";
import { processWarnings } from "./process-warnings.js";

/** The serving host over the platform's stores; `kind` names the command in serving reports. */
export function hostFor(
  platform: Platform,
  config: PlatformConfig,
  pollMs: number,
  io: CliIo,
  kind: "up" | "serve" = "up",
): ServingHost {
  const online = openFeatureServices(platform.db, platform.datasets, systemClock, platform.onlineStore)
    .online as OnlineFeatureService;
  const host = new ServingHost({
    kind,
    registry: platform.registry,
    artifacts: platform.artifacts,
    tracking: platform.tracking,
    deployments: platform.deployments,
    // Stored batches also feed the window aggregates monitors read (kept on a worker thread).
    predictions: aggregatingLog(
      predictionStore(platform, config.storeUri, io.cwd),
      platform,
      workerStores(config, io.cwd),
      processWarnings(io),
      (line) => io.err(line),
    ),
    clock: systemClock,
    cacheDir: join(config.home, "serving-cache"),
    runtimes: platform.runtimes,
    pollMs,
    // During an outage the same warning comes from every flush and poll: say it once per 10 s, counted.
    warn: processWarnings(io),
    spool: new FileSpool(join(config.home, "spool", "predictions"), spoolBytes(io.env)),
    features: featureLookupFactory({
      plan: (sel) => online.plan(sel),
      store: platform.onlineStore,
      clock: systemClock,
    }),
  });
  registerFeatureFreshness(host.metrics.registry, () => online.freshness());
  return host;
}

/** MODELWORKS_PREDICTION_SPOOL_BYTES (default 256 MiB): the most the prediction spool may hold. */
function spoolBytes(env: NodeJS.ProcessEnv): number {
  const text = env.MODELWORKS_PREDICTION_SPOOL_BYTES;
  if (text === undefined || text === "") return 256 * 1024 * 1024;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new CliError(`MODELWORKS_PREDICTION_SPOOL_BYTES must be a whole number of bytes, got '${text}'`);
  return n;
}

/** On an embedded SQLite file, prediction inserts run on a writer thread (off the event loop). */
function predictionStore(platform: Platform, storeUri: string, cwd: string): PredictionLogStore {
  const sql = new SqlPredictionLogStore(platform.db);
  if (platform.db.dialect.name !== "sqlite") return sql;
  const path = sqlitePathOf(storeUri, cwd);
  return path === undefined ? sql : new SqliteWorkerPredictionLogStore(path, sql);
}
