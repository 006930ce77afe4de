/** `modelworks up`: the platform in one process — tracking/registry/platform API and every active deployment. */
import { parseArgs } from "node:util";
import { systemClock } from "../../core/clock.js";
import { resolveConfig } from "../../core/config.js";
import { servingTotals } from "../../monitoring/alerts/error-rates.js";
import { MonitorScheduler } from "../../monitoring/live/monitor-scheduler.js";
import { buildApp } from "../../server/app.js";
import { hooksRoutes } from "../../server/hooks-routes.js";
import { openPlatform } from "../../server/open-platform.js";
import { defaultWebRoot } from "../../server/web-ui-routes.js";
import { directInvocations, directServerFactory } from "../../serving/direct-invocations.js";
import { TrafficWindows } from "../../serving/metrics/traffic-windows.js";
import { servingRoutes } from "../../serving/serving-routes.js";
import { mapTargets } from "../../serving/serving-targets.js";
import { VERSION } from "../../version.js";
import type { CliIo } from "../cli-context.js";
import { CONNECTION_FLAGS, intFlag, platformConnection } from "../cli-context.js";
import { closeGracefully, listenOn, waitForSignal } from "./listen.js";
import { pipelineService } from "./pipeline.js";
import { startRolloutController } from "./rollout-controller.js";
import { hostFor } from "./serving-host.js";
import type { UpPipelines } from "./up-pipelines.js";
import { loadUpPipelines } from "./up-pipelines.js";

export const UP_HELP = `Usage: modelworks up [--host 127.0.0.1] [--port 5000] [--home DIR | --store URI --artifacts DIR]

Runs the whole platform in one process on the configured stores (embedded SQLite by default):
  the MLflow-compatible tracking and registry API (/api/2.0/mlflow/...), the platform API
  (/api/modelworks/v1/...), every active deployment, the controller of their rollouts
  ('modelworks rollout') and their monitors ('modelworks monitor'):
    POST /deployments/NAME/invocations          MLflow scoring protocol
    POST /v2/models/NAME/infer                  Open Inference Protocol v2 (NAME = deployment)
    POST /feedback, /deployments/NAME/feedback  outcomes that arrive later
    GET  /metrics                               Prometheus metrics of every deployment
Deployments created, changed, stopped or deleted while it runs are followed within --sync-ms.

Options:
  --sync-ms MS   how often to look for new or stopped deployments (default 2000)
  --poll-ms MS   how often each deployment checks for changes and alias moves (default 1000)
  --rollout-tick-ms MS  how often the rollout controller looks at active rollouts (default 500;
                 analyses follow each rollout's --interval)
  --monitor-tick-ms MS  how often to look for due deployment monitors (default 1000; each runs
                 every --interval of 'modelworks monitor set')
  --pipeline FILE       run this pipeline from its triggers (repeatable): cron schedules and
                 watched folders every --trigger-tick-ms, git pushes to POST /hooks/git (GitHub
                 webhook; X-Hub-Signature-256 checked with the trigger's secret_env), and alerts
                 of deployment monitors (a rule's 'pipeline' or the pipeline's alert trigger)
  --trigger-tick-ms MS  how often cron and folder triggers are checked (default 1000)
  --json         print {"url", "deployments"} once listening`;

/** Run the platform until SIGINT/SIGTERM. */
export async function upCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...CONNECTION_FLAGS,
      host: { type: "string" },
      port: { type: "string" },
      "sync-ms": { type: "string" },
      "poll-ms": { type: "string" },
      "rollout-tick-ms": { type: "string" },
      "monitor-tick-ms": { type: "string" },
      pipeline: { type: "string", multiple: true },
      "trigger-tick-ms": { type: "string" },
    },
  });
  if (values.help) {
    io.out(UP_HELP);
    return 0;
  }
  const port = intFlag("port", values.port, 5000, 0, 65535);
  const syncMs = intFlag("sync-ms", values["sync-ms"], 2000, 50, 3_600_000);
  const pollMs = intFlag("poll-ms", values["poll-ms"], 1000, 50, 3_600_000);
  const rolloutTickMs = intFlag("rollout-tick-ms", values["rollout-tick-ms"], 500, 20, 60_000);
  const monitorTickMs = intFlag("monitor-tick-ms", values["monitor-tick-ms"], 1000, 20, 60_000);
  const triggerTickMs = intFlag("trigger-tick-ms", values["trigger-tick-ms"], 1000, 20, 3_600_000);
  const config = resolveConfig(values, io.env, io.cwd);
  const platform = await openPlatform(config, { warn: (m) => io.err(`warning: ${m}`) });
  const host = hostFor(platform, config, pollMs, io);
  // Live per-variant traffic for the UI: snapshots of the serving totals, differenced over a window.
  const traffic = new TrafficWindows(host.metrics, () => host.runtimes.keys(), systemClock);
  let timer: NodeJS.Timeout | undefined;
  let controller: ReturnType<typeof startRolloutController> | undefined;
  let monitor: MonitorScheduler | undefined;
  let pipelines: UpPipelines | undefined;
  try {
    if (values.pipeline?.length) {
      const service = pipelineService(platformConnection(platform), config.home, { ...process.env, ...io.env }, (l) =>
        io.err(l),
      );
      pipelines = await loadUpPipelines(values.pipeline, service, io);
    }
    const first = await host.syncActive();
    const serving = {
      targets: mapTargets(host.runtimes),
      version: VERSION,
      metrics: host.metrics,
      logger: host.logger,
      feedback: host.predictions,
      clock: systemClock,
      layout: "multi" as const,
    };
    const serverFactory = directServerFactory(directInvocations(serving));
    // Monitors publish their gauges on the serving registry and read error rates from its totals.
    const monitoring = platform.monitoring.withServing({
      registry: host.metrics.registry,
      totals: servingTotals(host.metrics),
      log: (line) => io.err(line),
      ...(pipelines ? { onFired: pipelines.onAlertFired } : {}),
    });
    const app = await buildApp({
      ...platform,
      monitoring,
      traffic,
      version: VERSION,
      serverFactory,
      webRoot: defaultWebRoot(),
    });
    await app.register(servingRoutes, serving);
    if (pipelines) await app.register(hooksRoutes, pipelines.hooks);
    const url = await listenOn(app, values.host ?? "127.0.0.1", port);
    timer = followDeployments(host, syncMs, io);
    controller = startRolloutController(platform, host, io, rolloutTickMs);
    monitor = new MonitorScheduler(monitoring, { tickMs: monitorTickMs, warn: (m) => io.err(`warning: ${m}`) });
    monitor.start();
    pipelines?.scheduler.start(triggerTickMs);
    traffic.start();
    io.out(
      values.json
        ? JSON.stringify({ url, deployments: first.started, failed: first.failed })
        : `Modelworks ${VERSION} up on ${url}; serving ${first.started.length ? first.started.join(", ") : "no deployments yet"}`,
    );
    await waitForSignal();
    await closeGracefully(app);
    return 0;
  } finally {
    traffic.stop();
    pipelines?.scheduler.stop();
    if (timer) clearInterval(timer);
    await controller?.stop();
    await monitor?.stop();
    await host.close();
    await platform.close();
  }
}

/** Start and stop runtimes as deployments are created, stopped or deleted. */
function followDeployments(host: ReturnType<typeof hostFor>, everyMs: number, io: CliIo): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const r = await host.syncActive();
      for (const n of r.started) io.err(`serving deployment ${n}`);
      for (const n of r.stopped) io.err(`stopped serving deployment ${n}`);
    } catch (e) {
      io.err(`warning: cannot list deployments: ${(e as Error).message}`);
    } finally {
      running = false;
    }
  }, everyMs);
  timer.unref();
  return timer;
}
