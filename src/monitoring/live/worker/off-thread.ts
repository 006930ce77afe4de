/**
 * Where a serving process keeps its window aggregates and runs its monitors: on worker threads
 * with their own connections when the store can be opened twice (a SQLite file, PostgreSQL), on
 * the calling thread otherwise (an in-memory SQLite database lives in one connection only).
 */
import { systemClock } from "../../../core/clock.js";
import type { PlatformConfig } from "../../../core/config.js";
import type { Database } from "../../../core/db/database.js";
import type { PredictionLogStore } from "../../../serving/prediction-log/prediction-log-store.js";
import type { MonitorRunner } from "../monitor-runner.js";
import type { MonitoringService } from "../monitoring-service.js";
import { AggregatingLogStore } from "../windows/aggregating-log-store.js";
import { InProcessWindowSink } from "../windows/in-process-sink.js";
import { SqlWindowStore } from "../windows/sql/sql-window-store.js";
import { WindowAggregator } from "../windows/window-aggregator.js";
import { WorkerMonitorRunner } from "./worker-monitor-runner.js";
import type { WorkerStoresConfig } from "./worker-platform.js";
import { workerCanOpen } from "./worker-platform.js";
import { WorkerWindowSink } from "./worker-window-sink.js";

/** What the worker threads need to know of the platform's configuration. */
export function workerStores(config: PlatformConfig, cwd: string): WorkerStoresConfig {
  return {
    home: config.home,
    storeUri: config.storeUri,
    artifactsUri: config.artifactsUri,
    objectsUri: config.objectsUri,
    dbTimeoutMs: config.dbTimeoutMs,
    dataRoots: config.dataRoots,
    cwd,
    ...(config.s3 ? { s3: config.s3 } : {}),
  };
}

/**
 * The prediction log `log` feeding the window aggregates: each stored batch is handed, as one
 * transferred buffer, to the aggregator thread (or to an in-process aggregator on `db`).
 */
export function aggregatingLog(
  log: PredictionLogStore,
  p: { db: Database; monitoring: Pick<MonitoringService, "aggregateSpec"> },
  stores: WorkerStoresConfig,
  warn: (message: string) => void,
  note?: (message: string) => void,
): AggregatingLogStore {
  // Predictions logged before the aggregates existed are built from the log on the thread too.
  if (workerCanOpen(stores.storeUri, stores.cwd))
    return new AggregatingLogStore(log, new WorkerWindowSink(stores, { warn, ...(note ? { note } : {}) }));
  const aggregator = new WindowAggregator({
    store: new SqlWindowStore(p.db),
    log,
    spec: (name, version) => p.monitoring.aggregateSpec(name, version),
    clock: systemClock,
    warn,
  });
  return new AggregatingLogStore(log, new InProcessWindowSink(aggregator));
}

/**
 * A runner on a worker thread with `budgetMs` per run, giving way to the serving thread whose
 * request count is `activity` (at most `cpuShare` of a core while requests flow); undefined when
 * the store cannot be opened twice.
 */
export function workerRunner(
  stores: WorkerStoresConfig,
  o: { budgetMs: number; activity?: SharedArrayBuffer; cpuShare?: number },
): MonitorRunner | undefined {
  if (!workerCanOpen(stores.storeUri, stores.cwd)) return undefined;
  return new WorkerMonitorRunner(stores, { ...o, clock: systemClock });
}
