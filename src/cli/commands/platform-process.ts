/**
 * The platform process, as `modelworks up` and `modelworks demo` run it: the HTTP app (tracking,
 * registry, platform API, web UI) and every active deployment on one port, with the rollout
 * controller, the monitor scheduler and live traffic windows running beside it.
 */
import type { FastifyInstance } from "fastify";
import { redactSecrets } from "../../auth/redact.js";
import { systemClock } from "../../core/clock.js";
import type { PlatformConfig } from "../../core/config.js";
import { servingTotals } from "../../monitoring/alerts/error-rates.js";
import type { Alert } from "../../monitoring/live/monitor.js";
import { MonitorScheduler } from "../../monitoring/live/monitor-scheduler.js";
import { buildApp } from "../../server/app.js";
import type { AuthPolicy } from "../../server/auth/auth-gate.js";
import { fastAuthorizer } from "../../server/auth/serving-guard.js";
import type { HttpHardening } from "../../server/hardening/request-guard.js";
import { hardenedServerFactory } from "../../server/hardening/request-guard.js";
import type { Platform } from "../../server/open-platform.js";
import { defaultWebRoot } from "../../server/web-ui-routes.js";
import { directInvocations } from "../../serving/direct-invocations.js";
import { TrafficWindows } from "../../serving/metrics/traffic-windows.js";
import { servingRoutes } from "../../serving/serving-routes.js";
import { mapTargets } from "../../serving/serving-targets.js";
import { VERSION } from "../../version.js";
import type { CliIo } from "../cli-context.js";
import { listenOn } from "./listen.js";
import { processWarnings } from "./process-warnings.js";
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
  /** Monitoring alerts as they fire (pipeline triggers, the demo's narration). */
  onAlertFired?: (alert: Alert) => void;
  /** Why a monitor rule may not name a pipeline (`up --pipeline`: it must accept the rule's alerts). */
  pipelineProblem?: (pipeline: string, deployment: string, rule: string) => string | undefined;
  /** More routes on the same app before it listens (e.g. `/hooks/git`). */
  routes?: (app: FastifyInstance) => Promise<void>;
  /** Allowed hosts, CORS origins, the bound on requests in flight (defaults: see request-guard.ts). */
  hardening?: HttpHardening;
  /** Largest artifact or dataset upload (default: the app's). */
  maxUploadBytes?: number;
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
  let sync: NodeJS.Timeout | undefined;
  let controller: ReturnType<typeof startRolloutController> | undefined;
  let monitor: MonitorScheduler | undefined;
  const stop = async () => {
    traffic.stop();
    if (sync) clearInterval(sync);
    await controller?.stop();
    await monitor?.stop();
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
    const monitoring = platform.monitoring.withServing({
      registry: host.metrics.registry,
      totals: servingTotals(host.metrics),
      log: (line) => io.err(line),
      ...(o.onAlertFired ? { onFired: o.onAlertFired } : {}),
      ...(o.pipelineProblem ? { pipelineProblem: o.pipelineProblem } : {}),
    });
    const app = await buildApp({
      ...platform,
      log: (line) => io.err(line),
      monitoring,
      traffic,
      version: VERSION,
      auth: o.auth,
      ready: () => host.readiness(),
      serverFactory: hardenedServerFactory(
        o.hardening,
        directInvocations({ ...serving, authorize: fastAuthorizer(o.auth) }),
      ),
      ...(o.maxUploadBytes !== undefined ? { maxUploadBytes: o.maxUploadBytes } : {}),
      webRoot: defaultWebRoot(),
    });
    await app.register(servingRoutes, serving);
    if (o.routes) await o.routes(app);
    const url = await listenOn(app, o.host, o.port);
    host.startReporting(url);
    sync = followDeployments(host, o.syncMs, io);
    controller = startRolloutController(platform, host, io, o.rolloutTickMs);
    monitor = new MonitorScheduler(monitoring, { tickMs: o.monitorTickMs, warn: processWarnings(io) });
    monitor.start();
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
