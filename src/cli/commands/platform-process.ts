/**
 * The platform process, as `modelworks up` and `modelworks demo` run it: the HTTP app (tracking,
 * registry, platform API, web UI) and every active deployment on one port, with the rollout
 * controller, the monitor scheduler and live traffic windows running beside it. Its role splits
 * that for scale-out: `serving` answers inference only (no API, no jobs), `control` runs the API
 * and the jobs without taking inference traffic, `all` does both.
 */
import type { FastifyInstance } from "fastify";
import { redactSecrets } from "../../auth/redact.js";
import { systemClock } from "../../core/clock.js";
import type { PlatformConfig } from "../../core/config.js";
import { databaseReadiness } from "../../core/db/readiness.js";
import type { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import { servingTotals } from "../../monitoring/alerts/error-rates.js";
import type { Alert } from "../../monitoring/live/monitor.js";
import { MonitorScheduler } from "../../monitoring/live/monitor-scheduler.js";
import type { ResultsRetentionSettings } from "../../monitoring/live/sql/results-retention.js";
import { workerRunner, workerStores } from "../../monitoring/live/worker/off-thread.js";
import type { PipelineStarter } from "../../pipelines/pipeline-service.js";
import { buildApp } from "../../server/app.js";
import type { AuthPolicy } from "../../server/auth/auth-gate.js";
import { ResourceResolver } from "../../server/auth/resource-resolver.js";
import { fastAuthorizer, servingGuard } from "../../server/auth/serving-guard.js";
import type { HttpHardening } from "../../server/hardening/request-guard.js";
import { hardenedServerFactory } from "../../server/hardening/request-guard.js";
import type { Platform } from "../../server/open-platform.js";
import { defaultWebRoot } from "../../server/web-ui-routes.js";
import { directInvocations } from "../../serving/direct-invocations.js";
import { TrafficWindows } from "../../serving/metrics/traffic-windows.js";
import { buildServingFleetApp } from "../../serving/serving-fleet-app.js";
import { servingRoutes } from "../../serving/serving-routes.js";
import { mapTargets } from "../../serving/serving-targets.js";
import { VERSION } from "../../version.js";
import type { CliIo } from "../cli-context.js";
import { listenOn } from "./listen.js";
import { startLogRetention } from "./log-retention-process.js";
import { processWarnings } from "./process-warnings.js";
import type { ReplicaRole } from "./replica-leases.js";
import { DEFAULT_LEASE_MS, replicaLeases, runsJobs, servesInference } from "./replica-leases.js";
import { startRolloutController } from "./rollout-controller.js";
import { hostFor } from "./serving-host.js";

export interface PlatformProcessOptions {
  /** Authentication of every route (see `serverAuthPolicy`). */
  auth: AuthPolicy;
  host: string;
  port: number;
  /** How often each deployment checks for changes and alias moves. */
  pollMs: number;
  /** How often to look for deployments created, stopped or deleted. */
  syncMs: number;
  rolloutTickMs: number;
  monitorTickMs: number;
  /** Longest a monitor run may take on its worker thread before it is cancelled (default 60 s). */
  monitorBudgetMs?: number;
  /** Share of a core a monitor run may use while requests are served (default 0.03). */
  monitorCpuShare?: number;
  /** How often prediction-log retention runs (default every 10 minutes). */
  retentionEveryMs?: number;
  /** How monitor results are downsampled and expired (defaults: full 1 day, hourly after, 30 days). */
  resultsRetention?: ResultsRetentionSettings;
  /** Monitoring alerts as they fire (pipeline triggers, the demo's narration). */
  onAlertFired?: (alert: Alert) => void;
  /** Why a monitor rule may not name a pipeline (`up --pipeline`: it must accept the rule's alerts). */
  pipelineProblem?: (pipeline: string, deployment: string, rule: string) => string | undefined;
  /** Starts pipelines by name for the platform API (`up --pipeline`). */
  pipelineStarter?: PipelineStarter;
  /** More routes on the same app before it listens (e.g. `/hooks/git`). */
  routes?: (app: FastifyInstance) => Promise<void>;
  /** Allowed hosts, CORS origins, the bound on requests in flight (defaults: see request-guard.ts). */
  hardening?: HttpHardening;
  /** Largest artifact or dataset upload (default: the app's). */
  maxUploadBytes?: number;
  /** What this replica does (default `all`). */
  role?: ReplicaRole;
  /** This replica's job leases (default: its own, with the default period, given up at stop). */
  leases?: LeaseKeeper;
}

/** A running platform process. */
export interface PlatformProcess {
  url: string;
  app: FastifyInstance;
  /** Deployments served (and failed to load) at start. */
  first: { started: string[]; failed: string[] };
  /** Stop the background work and the serving host (the caller closes the app and the platform). */
  stop(): Promise<void>;
}

/** Start serving `platform` (opened with `config`); `io.err` gets the process's log lines. */
export async function startPlatformProcess(
  platform: Platform,
  config: PlatformConfig,
  o: PlatformProcessOptions,
  io: CliIo,
): Promise<PlatformProcess> {
  const host = hostFor(platform, config, o.pollMs, io);
  // Live per-variant traffic for the UI: snapshots of the serving totals, differenced over a window.
  const traffic = new TrafficWindows(host.metrics, () => host.runtimes.keys(), systemClock);
  const role = o.role ?? "all";
  let sync: NodeJS.Timeout | undefined;
  let controller: ReturnType<typeof startRolloutController> | undefined;
  let monitor: MonitorScheduler | undefined;
  // Monitor runs read windows and compute drift on their own thread and connection: requests never wait for them.
  const runner = workerRunner(workerStores(config, io.cwd), {
    budgetMs: o.monitorBudgetMs ?? 60_000,
    activity: host.metrics.activity.buffer,
    cpuShare: o.monitorCpuShare ?? 0.03,
  });
  let ownLeases: LeaseKeeper | undefined;
  let retention: ReturnType<typeof startLogRetention> | undefined;
  const stop = async () => {
    traffic.stop();
    if (sync) clearInterval(sync);
    await retention?.stop();
    await controller?.stop();
    await monitor?.stop();
    await runner?.close?.();
    await ownLeases?.stop();
    await host.close();
  };
  try {
    const first = await host.syncActive();
    const serving = {
      targets: mapTargets(host.runtimes),
      version: VERSION,
      metrics: host.metrics,
      logger: host.logger,
      feedback: host.predictions,
      clock: systemClock,
      layout: "multi" as const,
      log: (line: string) => io.err(redactSecrets(line)),
    };
    // Monitors publish their gauges on the serving registry and read error rates from its totals.
    const served = runner ? platform.monitoring.withRunner(runner) : platform.monitoring;
    const monitoring = served.withServing({
      registry: host.metrics.registry,
      totals: servingTotals(host.metrics),
      log: (line) => io.err(line),
      ...(o.onAlertFired ? { onFired: o.onAlertFired } : {}),
      ...(o.pipelineProblem ? { pipelineProblem: o.pipelineProblem } : {}),
    });
    // A control replica takes no inference traffic: the direct path and the serving routes are left out.
    const direct = servesInference(role)
      ? directInvocations({ ...serving, authorize: fastAuthorizer(o.auth) })
      : undefined;
    const serverFactory = hardenedServerFactory(o.hardening, direct);
    const app =
      role === "serving"
        ? await buildServingFleetApp({
            ...serving,
            guard: servingGuard(
              o.auth,
              new ResourceResolver({ tracking: platform.tracking, deployments: platform.deployments }),
            ),
            serverFactory,
            databaseReadiness: () => databaseReadiness(platform.db, { migrations: platform.schemaMigrations }),
            servingReadiness: () => host.readiness(),
          })
        : await buildApp({
            ...platform,
            log: (line) => io.err(line),
            monitoring,
            traffic,
            version: VERSION,
            auth: o.auth,
            ready: () => host.readiness(),
            serverFactory,
            ...(o.maxUploadBytes !== undefined ? { maxUploadBytes: o.maxUploadBytes } : {}),
            webRoot: defaultWebRoot(),
            ...(o.pipelineStarter ? { pipelineStarter: o.pipelineStarter } : {}),
          });
    if (role === "all") await app.register(servingRoutes, serving);
    if (o.routes) await o.routes(app);
    const url = await listenOn(app, o.host, o.port);
    host.startReporting(url);
    sync = followDeployments(host, o.syncMs, io);
    if (runsJobs(role)) {
      ownLeases = o.leases ? undefined : replicaLeases(platform, DEFAULT_LEASE_MS, io);
      const leases = (o.leases ?? ownLeases) as LeaseKeeper;
      controller = startRolloutController(platform, host, io, leases, o.rolloutTickMs);
      monitor = new MonitorScheduler(monitoring, { tickMs: o.monitorTickMs, warn: processWarnings(io), leases });
      monitor.start();
      retention = startLogRetention(platform, host.predictions, io, {
        leases,
        ...(o.retentionEveryMs !== undefined ? { everyMs: o.retentionEveryMs } : {}),
        ...(o.resultsRetention ? { results: o.resultsRetention } : {}),
      });
    }
    traffic.start();
    return { url, app, first, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Start and stop runtimes as deployments are created, stopped or deleted. */
function followDeployments(host: ReturnType<typeof hostFor>, everyMs: number, io: CliIo): NodeJS.Timeout {
  const warn = processWarnings(io);
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const r = await host.syncActive();
      for (const n of r.started) io.err(`serving deployment ${n}`);
      for (const n of r.stopped) io.err(`stopped serving deployment ${n}`);
    } catch (e) {
      warn(`cannot list deployments: ${(e as Error).message}`);
    } finally {
      running = false;
    }
  }, everyMs);
  timer.unref();
  return timer;
}
