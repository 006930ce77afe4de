/** The platform HTTP app. `buildApp(deps)` returns it; only the CLI listens. */

import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyServerFactory } from "fastify";
import Fastify from "fastify";
import type { AuditLog } from "../auth/audit-log.js";
import { access } from "../core/api/access.js";
import { platformRoutes } from "../core/api/platform-routes.js";
import { systemClock } from "../core/clock.js";
import type { Database } from "../core/db/database.js";
import type { ReadinessCheck } from "../core/db/readiness.js";
import { databaseReadiness } from "../core/db/readiness.js";
import { MwError } from "../core/errors.js";
import type { OutboundGuard } from "../core/http/outbound-request.js";
import type { LeaseStore } from "../core/leases/lease-store.js";
import type { OnlineStore } from "../features/online/online-store.js";
import type { MonitoringService } from "../monitoring/live/monitoring-service.js";
import type { PipelineStarter } from "../pipelines/pipeline-service.js";
import type { RunStore } from "../pipelines/run-store.js";
import type { RegistryStore } from "../registry/registry-store.js";
import type { RolloutService } from "../rollout/rollout-service.js";
import type { DeploymentService } from "../serving/deployments/deployment-service.js";
import type { TrafficSource } from "../serving/metrics/traffic-windows.js";
import type { PredictionLogService } from "../serving/prediction-log/log-service.js";
import type { ArtifactStore } from "../tracking/artifacts/artifact-store.js";
import { directTransferOf } from "../tracking/artifacts/artifact-store.js";
import type { TrackingStore } from "../tracking/tracking-store.js";
import { AuditRecorder } from "./auth/audit-recorder.js";
import type { AuthPolicy } from "./auth/auth-gate.js";
import { installAuthGate } from "./auth/auth-gate.js";
import { authRoutesPlugin } from "./auth/auth-routes-plugin.js";
import { ResourceResolver } from "./auth/resource-resolver.js";
import { sessionRoutes } from "./auth/session-routes.js";
import { installErrorHandlers } from "./errors.js";
import { DEFAULT_MAX_UPLOAD_BYTES, installAppHardening } from "./hardening/app-hardening.js";
import { artifactRoutes } from "./mlflow/artifact-routes.js";
import { mountMlflowRoutes } from "./mlflow/mount-routes.js";
import { registryHandlers } from "./mlflow/registry-handlers.js";
import { trackingHandlers } from "./mlflow/tracking-handlers.js";
import { uiArtifactRoutes } from "./mlflow/ui-artifact-routes.js";
import { datasetHandlers } from "./platform/dataset-handlers.js";
import type { DatasetServices } from "./platform/dataset-services.js";
import { deploymentHandlers } from "./platform/deployment-handlers.js";
import { featureDatasetsFor, featureHandlersFor } from "./platform/feature-handlers.js";
import type { PlatformHandlers } from "./platform/handlers.js";
import { logHandlers } from "./platform/log-handlers.js";
import { metricHistoryHandlers } from "./platform/metric-history-handlers.js";
import { monitorHandlers } from "./platform/monitor-handlers.js";
import { platformRoutesPlugin } from "./platform/mount-routes.js";
import { pipelineHandlers } from "./platform/pipeline-handlers.js";
import { rolloutHandlers } from "./platform/rollout-handlers.js";
import { trafficHandlers } from "./platform/traffic-handlers.js";
import { webUiRoutes } from "./web-ui-routes.js";

export interface AppDeps {
  /** Who may do what: authentication on (with the users and grants) or explicitly off. */
  auth: AuthPolicy;
  /** Where changes are recorded (who, what, before and after); nothing is audited without it. */
  auditLog?: AuditLog;
  tracking: TrackingStore;
  registry: RegistryStore;
  artifacts: ArtifactStore;
  /** Dataset versions; the platform API's dataset routes are mounted when set. */
  datasets?: DatasetServices;
  /** Deployments; the platform API's deployment routes are mounted when set. */
  deployments?: DeploymentService;
  /** Rollouts; the platform API's rollout routes are mounted when set. */
  rollouts?: RolloutService;
  /** Prediction-log exports; the platform API's log routes are mounted when set. */
  predictionLog?: PredictionLogService;
  /** Live monitoring; the platform API's monitor and alert routes are mounted when set. */
  monitoring?: MonitoringService;
  /** Pipeline runs; the platform API's pipeline run routes are mounted when set. */
  pipelineRuns?: RunStore;
  /** Starts pipelines by name (`up --pipeline`): POST /pipelines/NAME/runs. */
  pipelineStarter?: PipelineStarter;
  /** Job leases, so a pipeline run cancel reaches the process running the run (required for cancelling). */
  leases?: LeaseStore;
  /** Which hosts this server may call: remote model versions are registered only when allowed. */
  outbound?: OutboundGuard;
  /** Live per-variant traffic of the deployments this process serves (`up`); absent, traffic is `available: false`. */
  traffic?: TrafficSource;
  version: string;
  /** Largest JSON request body in bytes (default 8 MiB). */
  bodyLimit?: number;
  /** Largest artifact or dataset upload in bytes (default 2 GiB). */
  maxUploadBytes?: number;
  logger?: boolean;
  /** The online feature store (get-online-features answers 501 without it). */
  onlineStore?: OnlineStore;
  /** The metadata database, checked by `/health/ready`. */
  db: Database;
  /** More of the process's readiness (e.g. deployments loaded in `up`). */
  ready?: () => ReadinessCheck;
  /** How many migrations the database must hold to be ready (the platform's count). */
  schemaMigrations?: number;
  /** Where 5xx answers are logged (one line each, with the request id); nowhere by default. */
  log?: (line: string) => void;
  /** Creates the HTTP server (e.g. one that answers hot routes before the app); default Fastify's own. */
  serverFactory?: FastifyServerFactory;
  /** Folder of the built web UI (`dist/web`); served at `/` when set. */
  webRoot?: string;
}

/** Build the app with every route mounted. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  deps = { ...deps, maxUploadBytes: deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES };
  const app = Fastify({
    logger: deps.logger ?? false,
    // A client's own x-request-id is kept (when it is a plain token) so a 5xx can be traced back.
    genReqId: requestId,
    bodyLimit: deps.bodyLimit ?? 8 * 1024 * 1024,
    // MLflow clients send repeated keys (`?run_ids=a&run_ids=b`); keep them as arrays.
    routerOptions: { ignoreTrailingSlash: true },
    ...(deps.serverFactory ? { serverFactory: deps.serverFactory } : {}),
  });
  installErrorHandlers(app, deps.log);
  installAppHardening(app, deps);
  installAuthGate(app, deps.auth, resolverFor(deps), auditFor(deps));
  const open = { config: { access: access.public } };
  app.get("/health", open, async (_req, reply) => reply.type("text/plain").send("OK"));
  // Readiness (load balancers, Kubernetes): the database answers quickly; liveness is /health.
  app.get("/health/ready", open, async (_req, reply) => {
    const database = await databaseReadiness(
      deps.db,
      deps.schemaMigrations === undefined ? {} : { migrations: deps.schemaMigrations },
    );
    const serving = deps.ready?.();
    const ready = database.ok && serving?.ok !== false;
    return reply.status(ready ? 200 : 503).send({ ready, database, ...(serving ? { serving } : {}) });
  });
  app.get("/version", open, async (_req, reply) => reply.type("text/plain").send(deps.version));
  // MLflow clients ask before large transfers; only an object store (S3) can take them directly.
  const direct = directTransferOf(deps.artifacts) !== undefined;
  app.get("/api/3.0/mlflow/server-info", { config: { access: access.user } }, async () => ({
    multipart_uploads_enabled: direct,
    multipart_downloads_enabled: direct,
  }));
  await app.register(async (api) => {
    mountMlflowRoutes(api, {
      ...trackingHandlers({ tracking: deps.tracking, artifacts: deps.artifacts }),
      ...registryHandlers(deps),
    });
  });
  const authService = deps.auth.mode === "on" ? deps.auth.service : undefined;
  await app.register(authRoutesPlugin, { auth: authService, audit: deps.auditLog });
  await app.register(sessionRoutes, { auth: authService });
  uiArtifactRoutes(app, deps);
  if (deps.webRoot) webUiRoutes(app, deps.webRoot);
  await app.register(artifactRoutes, {
    artifacts: deps.artifacts,
    registry: deps.registry,
    maxUploadBytes: deps.maxUploadBytes,
  });
  if (deps.datasets || deps.deployments || deps.pipelineRuns)
    await app.register(platformRoutesPlugin, { handlers: platformHandlers(deps) });
  return app;
}

function auditFor(deps: AppDeps): AuditRecorder | undefined {
  if (deps.auth.mode === "off" || !deps.auditLog) return undefined;
  return new AuditRecorder({
    log: deps.auditLog,
    clock: systemClock,
    auth: deps.auth.service,
    registry: deps.registry,
    tracking: deps.tracking,
    deployments: deps.deployments,
  });
}

function resolverFor(deps: AppDeps): ResourceResolver {
  return new ResourceResolver({
    tracking: deps.tracking,
    datasets: deps.datasets?.store,
    deployments: deps.deployments,
    pipelineRuns: deps.pipelineRuns,
    featureDatasets: featureDatasetsFor(deps.db, deps.datasets),
  });
}

/** Handlers for every platform route; routes of a capability this app was built without answer 501. */
function platformHandlers(deps: AppDeps): PlatformHandlers {
  const missing = async () => {
    throw new MwError("NOT_IMPLEMENTED", "This server does not serve this part of the platform API.");
  };
  return {
    ...(Object.fromEntries(Object.keys(platformRoutes).map((n) => [n, missing])) as unknown as PlatformHandlers),
    ...(deps.datasets
      ? datasetHandlers(deps.datasets, { maxUploadBytes: deps.maxUploadBytes, tracking: deps.tracking })
      : {}),
    ...metricHistoryHandlers(deps.tracking),
    ...(deps.deployments ? deploymentHandlers(deps.deployments) : {}),
    ...(deps.deployments
      ? trafficHandlers({
          deployments: deps.deployments,
          registry: deps.registry,
          ...(deps.traffic ? { traffic: deps.traffic } : {}),
        })
      : {}),
    ...(deps.pipelineRuns ? pipelineHandlers(deps.pipelineRuns, deps.leases, deps.pipelineStarter) : {}),
    ...(deps.rollouts ? rolloutHandlers(deps.rollouts) : {}),
    ...(deps.monitoring ? monitorHandlers(deps.monitoring) : {}),
    ...(deps.predictionLog ? logHandlers(deps.predictionLog) : {}),
    ...featureHandlersFor(deps.db, deps.datasets, deps.maxUploadBytes, deps.onlineStore),
  };
}

/** The request's id: the client's `x-request-id` when it is a short plain token, else a new one. */
function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
}
