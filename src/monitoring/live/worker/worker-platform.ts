/**
 * The stores a monitoring worker thread opens for itself: its own database connection (SQLite:
 * a second connection to the file, read-only for monitor runs; PostgreSQL: a small pool), the
 * prediction log's read API, the window aggregates, and the model facts (registry, artifacts,
 * training data) drift references come from. The worker's composition root.
 */
import { FileRoots } from "../../../auth/file-roots.js";
import { systemClock } from "../../../core/clock.js";
import type { PlatformConfig } from "../../../core/config.js";
import type { Database } from "../../../core/db/database.js";
import { sqlitePathOf } from "../../../core/db/open-database.js";
import { openPostgres } from "../../../core/db/postgres/postgres-database.js";
import { openSqlite } from "../../../core/db/sqlite/sqlite-database.js";
import { s3Client } from "../../../core/s3/s3-location.js";
import { openObjectStore } from "../../../data/objects/open-object-store.js";
import { SqlDatasetStore } from "../../../data/versions/sql/sql-dataset-store.js";
import { SqlRegistryStore } from "../../../registry/sql/sql-registry-store.js";
import { SqlPredictionLogStore } from "../../../serving/prediction-log/sql/sql-prediction-log-store.js";
import { openArtifactStore } from "../../../tracking/artifacts/open-artifact-store.js";
import { SqlTrackingStore } from "../../../tracking/sql/sql-tracking-store.js";
import { datasetTableLoader } from "../dataset-table.js";
import { ModelFactsCache } from "../model-facts.js";
import { SqlWindowStore } from "../windows/sql/sql-window-store.js";

/** What a worker needs to open the platform's stores (plain data: it crosses the thread boundary). */
export type WorkerStoresConfig = Pick<
  PlatformConfig,
  "home" | "storeUri" | "artifactsUri" | "objectsUri" | "s3" | "dbTimeoutMs" | "dataRoots"
> & {
  /** The folder relative store paths are resolved from. */
  cwd: string;
};

export interface WorkerPlatform {
  db: Database;
  predictions: SqlPredictionLogStore;
  windows: SqlWindowStore;
  facts: ModelFactsCache;
  close(): Promise<void>;
}

/** True when a worker thread can open the store (an in-memory SQLite database lives in one connection only). */
export function workerCanOpen(storeUri: string, cwd: string): boolean {
  return /^postgres(ql)?:\/\//.test(storeUri) || sqlitePathOf(storeUri, cwd) !== undefined;
}

/** Open the stores; `readonly` for monitor runs, `statementMs` bounds each statement (PostgreSQL). */
export function openWorkerPlatform(
  c: WorkerStoresConfig,
  o: { readonly: boolean; statementMs: number },
): WorkerPlatform {
  const db = /^postgres(ql)?:\/\//.test(c.storeUri)
    ? openPostgres(c.storeUri, { max: 2, acquireMs: 5_000, statementMs: o.statementMs })
    : openSqlite(sqlitePathOf(c.storeUri, c.cwd) as string, {
        lockWaitMs: c.dbTimeoutMs,
        auxiliary: { readonly: o.readonly },
      });
  const s3 = c.s3 ? s3Client(c.s3) : undefined;
  const objects = openObjectStore(c.objectsUri, c.home, s3);
  const facts = new ModelFactsCache({
    registry: new SqlRegistryStore(db, { clock: systemClock }),
    artifacts: openArtifactStore(c.artifactsUri, s3),
    tracking: new SqlTrackingStore(db, { defaultArtifactRoot: "mlflow-artifacts:", clock: systemClock }),
    loadDataset: datasetTableLoader(new SqlDatasetStore(db), objects),
    // The same folders the platform may read a run's logged training file from (none by default).
    fileRoots: FileRoots.of(c.dataRoots, c.cwd),
  });
  return {
    db,
    predictions: new SqlPredictionLogStore(db),
    windows: new SqlWindowStore(db),
    facts,
    close: async () => {
      s3?.destroy();
      await db.close();
    },
  };
}
