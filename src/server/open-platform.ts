/** Open the platform's stores from a configuration: connect, migrate, seed. */
import { join } from "node:path";
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
import { openDatabase, sqlitePathOf } from "../core/db/open-database.js";
import { ensurePrivateDir } from "../core/fs/private-files.js";
import type { LeaseStore } from "../core/leases/lease-store.js";
import { leaseMigrations } from "../core/leases/migrations.js";
import { SqlLeaseStore } from "../core/leases/sql/sql-lease-store.js";
import { s3Client } from "../core/s3/s3-location.js";
import { dataMigrations } from "../data/migrations.js";
import { openObjectStore } from "../data/objects/open-object-store.js";
import { featureMigrations } from "../features/migrations.js";
import { lazyOnlineStore } from "../features/online/lazy-online-store.js";
import type { OnlineFeatureService } from "../features/online/online-feature-service.js";
import type { OnlineStore } from "../features/online/online-store.js";
import { onlineStoreKind, openOnlineStore } from "../features/online/open-online-store.js";
import { datasetTableLoader } from "../monitoring/live/dataset-table.js";
import { ModelFactsCache } from "../monitoring/live/model-facts.js";
import { MonitoringService } from "../monitoring/live/monitoring-service.js";
import { SqlMonitorStore } from "../monitoring/live/sql/sql-monitor-store.js";
import { SqlBackfillStore } from "../monitoring/live/windows/sql/sql-backfill-store.js";
import { SqlWindowStore } from "../monitoring/live/windows/sql/sql-window-store.js";
import { monitoringMigrations } from "../monitoring/migrations.js";
import { pipelineMigrations } from "../pipelines/migrations.js";
import { SqlRunStore } from "../pipelines/sql/sql-run-store.js";
import { registryMigrations } from "../registry/migrations.js";
import { SqlRegistryStore } from "../registry/sql/sql-registry-store.js";
import { deploymentRolloutChecker } from "../rollout/deployment-rollout-settings.js";
import { rolloutMigrations } from "../rollout/migrations.js";
import { RolloutService } from "../rollout/rollout-service.js";
import { SqlRolloutStore } from "../rollout/sql/sql-rollout-store.js";
import { modelRuntimes } from "../runtimes/model-runtimes.js";
import type { ModelRuntime } from "../runtimes/runtime.js";
import { DeploymentService } from "../serving/deployments/deployment-service.js";
import { modelLoadCheck } from "../serving/deployments/model-load-check.js";
import { SqlDeploymentStore } from "../serving/deployments/sql/sql-deployment-store.js";
import { servingMigrations } from "../serving/migrations.js";
import type { ExportStore } from "../serving/prediction-log/export/export-thread.js";
import { signatureInputTypes } from "../serving/prediction-log/export/signature-types.js";
import { PredictionLogService } from "../serving/prediction-log/log-service.js";
import { SqlPredictionLogStore } from "../serving/prediction-log/sql/sql-prediction-log-store.js";
import type { ArtifactStore } from "../tracking/artifacts/artifact-store.js";
import { openArtifactStore } from "../tracking/artifacts/open-artifact-store.js";
import { trackingMigrations } from "../tracking/migrations.js";
import { SqlTrackingStore } from "../tracking/sql/sql-tracking-store.js";
import type { DatasetServices } from "./platform/dataset-services.js";
import { openDatasetServices } from "./platform/dataset-services.js";
import { openFeatureServices } from "./platform/feature-services.js";

export { openArtifactStore, openObjectStore };

/** Every migration of every module, in order. */
export const ALL_MIGRATIONS = [
  ...trackingMigrations,
  ...registryMigrations,
  ...dataMigrations,
  ...servingMigrations,
  ...rolloutMigrations,
  ...monitoringMigrations,
  // Before pipelines: pipelines:4 moves the old run locks into job_leases.
  ...leaseMigrations,
  ...pipelineMigrations,
  ...authMigrations,
  ...featureMigrations,
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
  /** Prediction-log exports (on a worker thread's own connection when the store is a file or a server). */
  predictionLog: PredictionLogService;
  /** Pipeline runs and their steps. */
  pipelineRuns: SqlRunStore;
  /** Leases on background jobs (rollouts, alias watches, monitors, triggers, pipeline runs): one replica does each. */
  leases: LeaseStore;
  /** Users, tokens, sessions and grants. */
  authService: AuthService;
  /** Who changed what, and when. */
  auditLog: SqlAuditLog;
  /** Which URLs webhooks, notifications, Prometheus and remote models may call (the admin's allow-list). */
  outbound: OutboundPolicy;
  /** The runtimes models are loaded with (most native first). */
  runtimes: readonly ModelRuntime[];
  /** The online feature store (opened on first use). */
  onlineStore: OnlineStore;
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
    /** Which hosts webhooks, notifications, Prometheus and remote models may call (default: none). */
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
    const onlineUri = config.onlineStoreUri;
    const onlineStore = lazyOnlineStore(onlineStoreKind(onlineUri), () => openOnlineStore(onlineUri, process.cwd()));
    const tracking = new SqlTrackingStore(db, { defaultArtifactRoot: "mlflow-artifacts:", clock: systemClock });
    await tracking.init();
    const registry = new SqlRegistryStore(db, { clock: systemClock });
    // One S3 client (its sockets) for both stores, closed with the platform.
    const s3 = config.s3 ? s3Client(config.s3) : undefined;
    const artifacts = openArtifactStore(config.artifactsUri, s3);
    const objects = openObjectStore(config.objectsUri, config.home, s3);
    const datasets = openDatasetServices(db, objects, systemClock, FileRoots.of(config.dataRoots));
    const runtimes = modelRuntimes(config.python, { guard: outbound, tokens: config.remoteTokens });
    // Deployments and rollouts load a model once when it is named, as a serving process of this home would.
    const checkLoad = modelLoadCheck({
      registry,
      artifacts,
      cacheDir: join(config.home, "serving-cache"),
      runtimes,
      ...(options.warn ? { warn: options.warn } : {}),
    });
    const deployments = new DeploymentService({
      store: new SqlDeploymentStore(db, { clock: systemClock }),
      registry,
      clock: systemClock,
      checkRollout: deploymentRolloutChecker(outbound),
      checkLoad,
    });
    const rolloutStore = new SqlRolloutStore(db);
    const auditLog = new SqlAuditLog(db);
    const rollouts = new RolloutService({
      store: rolloutStore,
      deployments,
      registry,
      clock: systemClock,
      outbound,
      audit: auditLog,
      checkLoad,
      ...(options.warn ? { warn: options.warn } : {}),
    });
    const features = openFeatureServices(db, datasets, systemClock, onlineStore);
    const monitoring = new MonitoringService({
      featureFreshness: () => (features.online as OnlineFeatureService).freshness(),
      store: new SqlMonitorStore(db),
      predictions: new SqlPredictionLogStore(db),
      windows: new SqlWindowStore(db),
      backfill: new SqlBackfillStore(db, new SqlWindowStore(db)),
      deployments,
      registry,
      datasetVersion: async (ref) => {
        const v = await datasets.store.getVersion(ref.name, ref.version);
        return { name: v.name, version: v.version };
      },
      facts: new ModelFactsCache({
        registry,
        artifacts,
        tracking,
        loadDataset: datasetTableLoader(datasets.store, datasets.objects),
        fileRoots: datasets.fileRoots,
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
      predictionLog: new PredictionLogService({
        db,
        ...exportStoreOf(config.storeUri),
        inputTypes: signatureInputTypes(registry, artifacts),
        deploymentExists: (name) =>
          deployments.get(name).then(
            () => true,
            () => false,
          ),
      }),
      pipelineRuns: new SqlRunStore(db),
      leases: new SqlLeaseStore(db),
      auditLog,
      authService: new AuthService({
        store: new SqlAuthStore(db),
        clock: systemClock,
        ...(options.defaultPermission ? { defaultPermission: options.defaultPermission } : {}),
      }),
      outbound,
      runtimes,
      onlineStore,
      close: async () => {
        await onlineStore.close().catch(() => {});
        s3?.destroy();
        await db.close();
      },
    };
  } catch (e) {
    await db.close().catch(() => {});
    throw e;
  }
}

/** Where an export thread opens the store: the SQLite file or the PostgreSQL URI (none in memory). */
function exportStoreOf(storeUri: string): { exportStore?: ExportStore } {
  if (/^postgres(ql)?:\/\//.test(storeUri)) return { exportStore: { postgres: storeUri } };
  const path = sqlitePathOf(storeUri, process.cwd());
  return path === undefined ? {} : { exportStore: { sqlite: path } };
}
