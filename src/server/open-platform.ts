/** Open the platform's stores from a configuration: connect, migrate, seed. */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { S3Client } from "@aws-sdk/client-s3";
import { AuthService } from "../auth/auth-service.js";
import { FileRoots } from "../auth/file-roots.js";
import { authMigrations } from "../auth/migrations.js";
import { OutboundPolicy } from "../auth/outbound-policy.js";
import type { Permission } from "../auth/permission.js";
import { SqlAuditLog } from "../auth/sql/sql-audit-log.js";
import { SqlAuthStore } from "../auth/sql/sql-auth-store.js";
import { systemClock } from "../core/clock.js";
import type { PlatformConfig } from "../core/config.js";
import type { Database } from "../core/db/database.js";
import { migrate } from "../core/db/migrate.js";
import { openDatabase } from "../core/db/open-database.js";
import { invalidParam } from "../core/errors.js";
import { ensurePrivateDir } from "../core/fs/private-files.js";
import { isS3Uri, parseS3Uri, s3Client } from "../core/s3/s3-location.js";
import { dataMigrations } from "../data/migrations.js";
import { LocalObjectStore } from "../data/objects/local/local-object-store.js";
import type { ObjectStore } from "../data/objects/object-store.js";
import { S3ObjectStore } from "../data/objects/s3/s3-object-store.js";
import { datasetTableLoader } from "../monitoring/live/dataset-table.js";
import { ModelFactsCache } from "../monitoring/live/model-facts.js";
import { MonitoringService } from "../monitoring/live/monitoring-service.js";
import { SqlMonitorStore } from "../monitoring/live/sql/sql-monitor-store.js";
import { monitoringMigrations } from "../monitoring/migrations.js";
import { pipelineMigrations } from "../pipelines/migrations.js";
import { SqlRunLocks } from "../pipelines/sql/sql-run-locks.js";
import { SqlRunStore } from "../pipelines/sql/sql-run-store.js";
import { registryMigrations } from "../registry/migrations.js";
import { SqlRegistryStore } from "../registry/sql/sql-registry-store.js";
import { rolloutMigrations } from "../rollout/migrations.js";
import { RolloutService } from "../rollout/rollout-service.js";
import { SqlRolloutStore } from "../rollout/sql/sql-rollout-store.js";
import { modelRuntimes } from "../runtimes/model-runtimes.js";
import type { ModelRuntime } from "../runtimes/runtime.js";
import { DeploymentService } from "../serving/deployments/deployment-service.js";
import { SqlDeploymentStore } from "../serving/deployments/sql/sql-deployment-store.js";
import { servingMigrations } from "../serving/migrations.js";
import { loadedKind } from "../serving/model-resolver.js";
import { SqlPredictionLogStore } from "../serving/prediction-log/sql/sql-prediction-log-store.js";
import type { ArtifactStore } from "../tracking/artifacts/artifact-store.js";
import { LocalArtifactStore } from "../tracking/artifacts/local/local-artifact-store.js";
import { S3ArtifactStore } from "../tracking/artifacts/s3/s3-artifact-store.js";
import { trackingMigrations } from "../tracking/migrations.js";
import { SqlTrackingStore } from "../tracking/sql/sql-tracking-store.js";
import type { DatasetServices } from "./platform/dataset-services.js";
import { openDatasetServices } from "./platform/dataset-services.js";

/** Every migration of every module, in order. */
export const ALL_MIGRATIONS = [
  ...trackingMigrations,
  ...registryMigrations,
  ...dataMigrations,
  ...servingMigrations,
  ...rolloutMigrations,
  ...monitoringMigrations,
  ...pipelineMigrations,
  ...authMigrations,
];

export interface Platform {
  db: Database;
  /** How many schema migrations this code applies (readiness checks the database still has them). */
  schemaMigrations: number;
  tracking: SqlTrackingStore;
  registry: SqlRegistryStore;
  artifacts: ArtifactStore;
  datasets: DatasetServices;
  deployments: DeploymentService;
  rollouts: RolloutService;
  rolloutStore: SqlRolloutStore;
  /** Live monitoring of deployments; `withServing` adds the gauges and error rates of a serving process. */
  monitoring: MonitoringService;
  /** Pipeline runs and their steps. */
  pipelineRuns: SqlRunStore;
  /** The leases that keep one run per pipeline across processes. */
  pipelineLocks: SqlRunLocks;
  /** Users, tokens, sessions and grants. */
  authService: AuthService;
  /** Who changed what, and when. */
  auditLog: SqlAuditLog;
  /** Which URLs webhooks, notifications and Prometheus may call (the admin's allow-list). */
  outbound: OutboundPolicy;
  /** The runtimes models are loaded with (most native first). */
  runtimes: readonly ModelRuntime[];
  close(): Promise<void>;
}

/** Connect to the configured stores and bring the schema up to date. */
export async function openPlatform(
  config: PlatformConfig,
  options: {
    warn?: (message: string) => void;
    log?: (line: string) => void;
    /** What signed-in users may do on resources without a grant (default READ, as MLflow). */
    defaultPermission?: Permission;
    /** Which hosts webhooks, notifications and Prometheus may call (default: none). */
    outbound?: OutboundPolicy;
  } = {},
): Promise<Platform> {
  // The home holds the database, artifacts and tokens: only its owner may look inside.
  ensurePrivateDir(config.home);
  const outbound = options.outbound ?? OutboundPolicy.none();
  const db = openDatabase(config.storeUri, process.cwd(), {
    acquireMs: Math.min(config.dbTimeoutMs, 5_000),
    statementMs: config.dbTimeoutMs,
  });
  try {
    await migrate(db, ALL_MIGRATIONS);
    const tracking = new SqlTrackingStore(db, { defaultArtifactRoot: "mlflow-artifacts:", clock: systemClock });
    await tracking.init();
    const registry = new SqlRegistryStore(db, { clock: systemClock });
    // One S3 client (its sockets) for both stores, closed with the platform.
    const s3 = config.s3 ? s3Client(config.s3) : undefined;
    const artifacts = openArtifactStore(config.artifactsUri, s3);
    const objects = openObjectStore(config.objectsUri, config.home, s3);
    const datasets = openDatasetServices(db, objects, systemClock, FileRoots.of(config.dataRoots));
    const deployments = new DeploymentService({
      store: new SqlDeploymentStore(db, { clock: systemClock }),
      registry,
      clock: systemClock,
    });
    const rolloutStore = new SqlRolloutStore(db);
    const runtimes = modelRuntimes(config.python);
    const cacheDir = join(config.home, "serving-cache");
    const rollouts = new RolloutService({
      store: rolloutStore,
      deployments,
      registry,
      clock: systemClock,
      outbound,
      modelKind: (ref) => loadedKind(ref, { registry, artifacts, tracking, runtimes, cacheDir }),
      ...(options.warn ? { warn: options.warn } : {}),
    });
    const monitoring = new MonitoringService({
      store: new SqlMonitorStore(db),
      predictions: new SqlPredictionLogStore(db),
      deployments,
      registry,
      facts: new ModelFactsCache({
        registry,
        artifacts,
        tracking,
        loadDataset: datasetTableLoader(datasets.store, datasets.objects),
      }),
      clock: systemClock,
      outbound,
      ...(options.warn ? { warn: options.warn } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    return {
      db,
      schemaMigrations: ALL_MIGRATIONS.length,
      tracking,
      registry,
      artifacts,
      datasets,
      deployments,
      rollouts,
      rolloutStore,
      monitoring,
      pipelineRuns: new SqlRunStore(db),
      pipelineLocks: new SqlRunLocks(db),
      auditLog: new SqlAuditLog(db),
      authService: new AuthService({
        store: new SqlAuthStore(db),
        clock: systemClock,
        ...(options.defaultPermission ? { defaultPermission: options.defaultPermission } : {}),
      }),
      outbound,
      runtimes,
      close: async () => {
        s3?.destroy();
        await db.close();
      },
    };
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
}

/** An artifact store from a URI: a folder path, `file://` URI or `s3://bucket/prefix`. */
export function openArtifactStore(uri: string, s3?: S3Client): ArtifactStore {
  if (uri.startsWith("file://")) return new LocalArtifactStore(fileURLToPath(uri));
  if (isS3Uri(uri)) return new S3ArtifactStore(s3 ?? s3Client({}), parseS3Uri(uri));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri))
    throw invalidParam(`Unsupported artifact URI '${uri}': expected a folder, file:// or s3:// URI.`);
  return new LocalArtifactStore(uri);
}

/** The dataset object store: a folder or `s3://bucket/prefix` (staging under `HOME/objects-staging`). */
export function openObjectStore(uri: string, home: string, s3?: S3Client): ObjectStore {
  if (isS3Uri(uri)) return new S3ObjectStore(s3 ?? s3Client({}), parseS3Uri(uri), join(home, "objects-staging"));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith("file://"))
    throw invalidParam(`Unsupported object store URI '${uri}': expected a folder, file:// or s3:// URI.`);
  return new LocalObjectStore(uri.startsWith("file://") ? fileURLToPath(uri) : uri);
}
