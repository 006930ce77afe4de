/** `modelworks up`: the platform in one process — tracking/registry/platform API and every active deployment. */

import { parseArgs } from "node:util";
import { resolveConfig } from "../../core/config.js";
import { registryReader } from "../../pipelines/triggers/registry-watch.js";
import { hooksRoutes } from "../../server/hooks-routes.js";
import { VERSION } from "../../version.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, intFlag, platformConnection } from "../cli-context.js";
import { shareFlag } from "../cli-flags.js";
import { openListeningPlatform } from "../listening-platform.js";
import { LOG_FORMAT_FLAGS, LOG_FORMAT_HELP, withLogFormat } from "../log-format.js";
import { OUTBOUND_FLAGS, OUTBOUND_HELP } from "../outbound-flags.js";
import { pipelineStepToken, SERVER_AUTH_FLAGS, SERVER_AUTH_HELP, serverAuthPolicy } from "../server-auth.js";
import { CONTAINER_FLAGS, CONTAINER_HELP, containerExecutorOf } from "./container-flags.js";
import {
  HARDENING_FLAGS,
  HARDENING_HELP,
  hardeningOf,
  maxUploadBytesOf,
  UPLOAD_FLAGS,
  UPLOAD_HELP,
} from "./http-flags.js";
import { closeGracefully, waitForSignal } from "./listen.js";
import { pipelineService } from "./pipeline-wiring.js";
import type { PlatformProcess } from "./platform-process.js";
import { startPlatformProcess } from "./platform-process.js";
import type { ReplicaRole } from "./replica-leases.js";
import { DEFAULT_LEASE_MS, replicaLeases, runsJobs } from "./replica-leases.js";
import { RETENTION_FLAGS, retentionFlagsOf } from "./retention-flags.js";
import type { UpPipelines } from "./up-pipelines.js";
import { loadUpPipelines } from "./up-pipelines.js";

export const UP_HELP = `Usage: modelworks up [--host 127.0.0.1] [--port 5000] [--home DIR | --store URI --artifacts DIR]
                     [--data-root DIR]... [--role all|control|serving] [--lease-ms 5000]

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
  --role ROLE    what this replica does (default all). Several replicas on one PostgreSQL store
                 and one S3 artifact store give the same answers as one:
                   all      everything below, in one process
                   control  the APIs, the web UI and the background jobs (rollouts, alias watches,
                            monitors, pipeline triggers); loads deployments but takes no inference
                   serving  inference (/deployments/NAME/..., /v2/..., /feedback, /metrics) and
                            /health, /health/ready only: no API, no background jobs
  --lease-ms MS  lease period of background jobs (default 5000): each job runs on one replica,
                 and another takes it over this long after that replica stops (a crash, kill -9)
  --sync-ms MS   how often to look for new or stopped deployments (default 2000)
  --poll-ms MS   how often each deployment checks for changes and alias moves (default 1000)
  --rollout-tick-ms MS  how often the rollout controller looks at active rollouts (default 500;
                 analyses follow each rollout's --interval)
  --monitor-tick-ms MS  how often to look for due deployment monitors (default 1000; each runs
                 every --interval of 'modelworks monitor set')
  --monitor-budget-ms MS  longest a monitor run may take (default 60000); runs are on their own
                 thread and connection, and one that overruns is cancelled and recorded as failed
  --monitor-cpu SHARE  share of a core a monitor run may use while predictions are being served
                 (default 3%; 100%: never pause). Runs pause between stretches of work so that
                 serving keeps its latency; without traffic they run at full speed. Pauses do not
                 count against --monitor-budget-ms
  --monitor-results-full DURATION  monitor results kept in full for this long (default 1d); after
                 that one result per model version per hour is kept
  --monitor-results-retention DURATION  monitor results older than this are deleted (default 30d)
  --retention-every DURATION  how often prediction logs (each deployment's --log-retention and
                 --archive-log) and monitor results are trimmed (default 10m; the first pass runs
                 within 30 s of start)
  --pipeline FILE       run this pipeline from its triggers (repeatable): cron schedules and
                 watched folders every --trigger-tick-ms, git pushes to POST /hooks/git (GitHub
                 webhook, JSON, signed: X-Hub-Signature-256 checked with the trigger's secret_env;
                 a delivery seen before starts nothing), and alerts of deployment monitors (the
                 pipeline's alert trigger; a monitor rule may name only a pipeline whose alert
                 trigger accepts it), and registry changes (an alias moved, a version registered).
                 Runs interrupted by a previous up are marked at start. Callers with edit on a
                 pipeline start it by name: POST /api/modelworks/v1/pipelines/NAME/runs
                 {"params": {...}}; GET /api/modelworks/v1/pipelines/runs/RUN tells its status.
  --trigger-tick-ms MS  how often cron, folder and registry triggers are checked (default 1000)
  --data-root DIR       a folder whose files clients may name by server-side path (dataset
                 'path', validate 'path'); repeatable, or MODELWORKS_DATA_ROOTS (':'-separated).
                 Default none: clients upload the bytes instead
  --online-store URI    the online feature store deployments with --features read:
                 sqlite:PATH or redis://HOST:PORT[/DB][?prefix=P]; or MODELWORKS_ONLINE_STORE.
                 Default sqlite:<home>/online-store.db
${SERVER_AUTH_HELP}
${LOG_FORMAT_HELP}
${HARDENING_HELP}
${UPLOAD_HELP}
${OUTBOUND_HELP}
${CONTAINER_HELP}
  --json         print {"url", "deployments"} once listening

Authentication is on: the first start creates the admin user and saves its token in the home
(the CLI on this machine uses it); inference needs a token with read on the deployment unless
the deployment is public ('modelworks permissions set deployment NAME "*" READ').`;

/** Run the platform until SIGINT/SIGTERM. */
export async function upCommand(argv: string[], given: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...CONNECTION_FLAGS,
      ...SERVER_AUTH_FLAGS,
      ...LOG_FORMAT_FLAGS,
      ...HARDENING_FLAGS,
      ...UPLOAD_FLAGS,
      ...OUTBOUND_FLAGS,
      ...CONTAINER_FLAGS,
      host: { type: "string" },
      port: { type: "string" },
      "sync-ms": { type: "string" },
      "poll-ms": { type: "string" },
      "rollout-tick-ms": { type: "string" },
      "monitor-tick-ms": { type: "string" },
      "monitor-budget-ms": { type: "string" },
      "monitor-cpu": { type: "string" },
      ...RETENTION_FLAGS,
      pipeline: { type: "string", multiple: true },
      "trigger-tick-ms": { type: "string" },
      "data-root": { type: "string", multiple: true },
      "online-store": { type: "string" },
      role: { type: "string" },
      "lease-ms": { type: "string" },
    },
  });
  const io = withLogFormat(given, values["log-format"]);
  if (values.help) {
    io.out(UP_HELP);
    return 0;
  }
  const port = intFlag("port", values.port, 5000, 0, 65535);
  const syncMs = intFlag("sync-ms", values["sync-ms"], 2000, 50, 3_600_000);
  const pollMs = intFlag("poll-ms", values["poll-ms"], 1000, 50, 3_600_000);
  const rolloutTickMs = intFlag("rollout-tick-ms", values["rollout-tick-ms"], 500, 20, 60_000);
  const monitorTickMs = intFlag("monitor-tick-ms", values["monitor-tick-ms"], 1000, 20, 60_000);
  const monitorBudgetMs = intFlag("monitor-budget-ms", values["monitor-budget-ms"], 60_000, 100, 3_600_000);
  const monitorCpuShare = shareFlag("--monitor-cpu", values["monitor-cpu"] ?? "3%");
  const { everyMs: retentionEveryMs, results: resultsRetention } = retentionFlagsOf(values);
  const triggerTickMs = intFlag("trigger-tick-ms", values["trigger-tick-ms"], 1000, 20, 3_600_000);
  const leaseMs = intFlag("lease-ms", values["lease-ms"], DEFAULT_LEASE_MS, 300, 600_000);
  const role = roleOf(values.role);
  if (role === "serving" && values.pipeline?.length)
    throw new CliError("--pipeline runs on replicas with background jobs: use --role all or control, not serving");
  const hardening = hardeningOf(values, io.env);
  const maxUploadBytes = maxUploadBytesOf(values);
  const config = resolveConfig(values, io.env, io.cwd);
  const host = values.host ?? "127.0.0.1";
  const platform = await openListeningPlatform(config, values, io);
  let running: PlatformProcess | undefined;
  let pipelines: UpPipelines | undefined;
  // One keeper of job leases for the whole process: rollouts, alias watches, monitors, triggers.
  const leases = runsJobs(role) ? replicaLeases(platform, leaseMs, io) : undefined;
  let stepToken: Awaited<ReturnType<typeof pipelineStepToken>> | undefined;
  try {
    await platform.datasets.fileRoots.verify();
    const auth = await serverAuthPolicy(values, host, platform, config.home, io);
    stepToken = values.pipeline?.length ? await pipelineStepToken(auth, platform) : undefined;
    if (values.pipeline?.length) {
      const service = pipelineService(
        platformConnection(platform),
        config.home,
        { ...process.env, ...io.env },
        (l) => io.err(l),
        () => running?.url,
        () => stepToken?.token,
        containerExecutorOf(values, { ...process.env, ...io.env }),
      );
      pipelines = await loadUpPipelines(values.pipeline, service, io, registryReader(platform.registry), leases);
    }
    const hooks = pipelines?.hooks;
    running = await startPlatformProcess(
      platform,
      config,
      {
        auth,
        host,
        port,
        pollMs,
        syncMs,
        rolloutTickMs,
        monitorTickMs,
        monitorBudgetMs,
        monitorCpuShare,
        resultsRetention,
        retentionEveryMs,
        hardening,
        maxUploadBytes,
        role,
        ...(leases ? { leases } : {}),
        ...(pipelines
          ? {
              onAlertFired: pipelines.onAlertFired,
              pipelineProblem: pipelines.pipelineProblem,
              pipelineStarter: pipelines.starter,
            }
          : {}),
        ...(hooks ? { routes: async (app) => void (await app.register(hooksRoutes, hooks)) } : {}),
      },
      io,
    );
    pipelines?.scheduler.start(triggerTickMs);
    const { url, first } = running;
    io.out(
      values.json
        ? JSON.stringify({ url, role, deployments: first.started, failed: first.failed })
        : `Modelworks ${VERSION} up on ${url} (role ${role}); serving ${first.started.length ? first.started.join(", ") : "no deployments yet"}`,
    );
    await waitForSignal();
    await closeGracefully(running.app);
    return 0;
  } finally {
    await pipelines?.shutdown();
    await stepToken?.revoke();
    await running?.stop();
    await leases?.stop();
    await platform.close();
  }
}

/** The `--role` flag (default all). */
function roleOf(value: string | undefined): ReplicaRole {
  if (value === undefined) return "all";
  if (value === "all" || value === "control" || value === "serving") return value;
  throw new CliError(`--role must be all, control or serving, not '${value}'`);
}
