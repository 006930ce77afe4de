import { parseArgs } from "node:util";
import { redactSecrets } from "../../auth/redact.js";
import { systemClock } from "../../core/clock.js";
import { resolveConfig } from "../../core/config.js";
import { databaseReadiness } from "../../core/db/readiness.js";
import type { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import { ResourceResolver } from "../../server/auth/resource-resolver.js";
import { servingGuard } from "../../server/auth/serving-guard.js";
import { requestGuard } from "../../server/hardening/request-guard.js";
import { buildServingApp } from "../../serving/serving-app.js";
import { singleTarget } from "../../serving/serving-targets.js";
import { VERSION } from "../../version.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, intFlag } from "../cli-context.js";
import { openListeningPlatform } from "../listening-platform.js";
import { LOG_FORMAT_FLAGS, LOG_FORMAT_HELP, withLogFormat } from "../log-format.js";
import { OUTBOUND_FLAGS, OUTBOUND_HELP } from "../outbound-flags.js";
import { SERVER_AUTH_FLAGS, SERVER_AUTH_HELP, serverAuthPolicy } from "../server-auth.js";
import { HARDENING_FLAGS, HARDENING_HELP, hardeningOf } from "./http-flags.js";
import { closeGracefully, listenOn, waitForSignal } from "./listen.js";
import { startLogRetention } from "./log-retention-process.js";
import { DEFAULT_LEASE_MS, replicaLeases } from "./replica-leases.js";
import { RETENTION_FLAGS, retentionFlagsOf } from "./retention-flags.js";
import { startRolloutController } from "./rollout-controller.js";
import { hostFor } from "./serving-host.js";

export const SERVE_HELP = `Usage: modelworks serve MODEL@ALIAS|MODEL/VERSION [options]
       modelworks serve --deployment NAME [options]

Loads a registered model version (or a stored deployment's primary and candidate), warms it up,
and only then listens:
  MLflow scoring protocol: POST /invocations (JSON dataframe_split, dataframe_records, instances,
  inputs, or text/csv), GET /ping, /health, /version;
  Open Inference Protocol v2: /v2, /v2/health/live|ready, /v2/models/NAME[/versions/V][/ready|/infer];
  POST /feedback (outcomes that arrive later), GET /metrics (Prometheus).
Responses carry each row's probability and label at the model's threshold; headers name the
answering model version (x-modelworks-model), the variant (x-modelworks-variant) and the request id
(x-request-id, for feedback). Every scored row goes to the prediction log (sampled as the
deployment says). Alias moves and deployment changes take effect live. Like 'up', it trims the
prediction log (each deployment's --log-retention and --archive-log), the monitor window buckets
and monitor results; with several replicas on one store, one of them at a time does.

Options:
  --deployment NAME   serve a stored deployment (see 'modelworks deployments')
  --host HOST         default 127.0.0.1
  --port PORT         default 8080 (0 picks a free port)
  --poll-ms MS        how often to check the deployment and aliases for changes (default 1000)
  --max-rows N        most rows per request (default 10000)
  --body-limit BYTES  largest request body (default 5242880)
${HARDENING_HELP}
  --home DIR | --store URI | --artifacts DIR   the platform's stores (as for 'server')
  --online-store URI  the online feature store (deployments with --features): sqlite:PATH or
                      redis://...; or MODELWORKS_ONLINE_STORE (default sqlite:<home>/online-store.db)
${OUTBOUND_HELP}
${SERVER_AUTH_HELP}
${LOG_FORMAT_HELP}
  --retention-every DURATION  how often logs and monitor results are trimmed (default 10m; the
                      first pass runs within 30 s of start)
  --monitor-results-full DURATION  monitor results kept in full for this long (default 1d)
  --monitor-results-retention DURATION  monitor results older than this are deleted (default 30d)
  --json              print {"url", "deployment", "served"} once listening

Predicting needs a token (Authorization: Bearer) with read on the deployment, unless the
deployment is public; /ping, /health, /version, /v2/health and /metrics are open.`;

/** Run the `serve` command until SIGINT/SIGTERM. */
export async function serveCommand(argv: string[], given: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_FLAGS,
      ...SERVER_AUTH_FLAGS,
      ...LOG_FORMAT_FLAGS,
      ...HARDENING_FLAGS,
      ...OUTBOUND_FLAGS,
      host: { type: "string" },
      port: { type: "string" },
      deployment: { type: "string" },
      "poll-ms": { type: "string" },
      "max-rows": { type: "string" },
      "body-limit": { type: "string" },
      "online-store": { type: "string" },
      ...RETENTION_FLAGS,
    },
  });
  const io = withLogFormat(given, values["log-format"]);
  if (values.help) {
    io.out(SERVE_HELP);
    return 0;
  }
  const [ref] = positionals;
  if (!ref === !values.deployment)
    throw new CliError("serve needs MODEL@ALIAS, MODEL/VERSION or --deployment NAME (one of them)");
  const port = intFlag("port", values.port, 8080, 0, 65535);
  const pollMs = intFlag("poll-ms", values["poll-ms"], 1000, 50, 3_600_000);
  const maxRows = intFlag("max-rows", values["max-rows"], 10_000, 1, 10_000_000);
  const bodyLimit = intFlag("body-limit", values["body-limit"], 5 * 1024 * 1024, 1024, 2 ** 31 - 1);
  const retentionFlags = retentionFlagsOf(values);
  const guard = requestGuard(hardeningOf(values, io.env));
  const config = resolveConfig(values, io.env, io.cwd);
  const listenHost = values.host ?? "127.0.0.1";
  const platform = await openListeningPlatform(config, values, io);
  const host = hostFor(platform, config, pollMs, io, "serve");
  let controller: ReturnType<typeof startRolloutController> | undefined;
  let leases: LeaseKeeper | undefined;
  let retention: ReturnType<typeof startLogRetention> | undefined;
  try {
    const auth = await serverAuthPolicy(values, listenHost, platform, config.home, io);
    const runtime = values.deployment
      ? await host.addDeployment(values.deployment)
      : await host.addModel(ref as string);
    const app = buildServingApp({
      targets: singleTarget(runtime),
      version: VERSION,
      metrics: host.metrics,
      logger: host.logger,
      feedback: host.predictions,
      clock: systemClock,
      maxRows,
      bodyLimit,
      guard: servingGuard(
        auth,
        new ResourceResolver({ tracking: platform.tracking, deployments: platform.deployments }),
      ),
      requestGuard: guard,
      databaseReadiness: () => databaseReadiness(platform.db, { migrations: platform.schemaMigrations }),
      log: (line) => io.err(redactSecrets(line)),
    });
    const url = await listenOn(app, listenHost, port);
    host.startReporting(url);
    // Replicas share rollouts and retention; a lease picks the one that drives each.
    leases = replicaLeases(platform, DEFAULT_LEASE_MS, io);
    if (values.deployment) controller = startRolloutController(platform, host, io, leases);
    // This process writes the prediction log: it enforces its retention as 'up' does.
    retention = startLogRetention(platform, host.predictions, io, {
      leases,
      everyMs: retentionFlags.everyMs,
      results: retentionFlags.results,
    });
    const snap = runtime.current;
    const served = [snap.primary, ...(snap.candidate ? [snap.candidate] : [])].map((v) => ({
      variant: v.kind,
      model: v.model.name,
      version: v.model.version,
    }));
    io.out(
      values.json
        ? JSON.stringify({
            url,
            deployment: runtime.name,
            model: snap.primary.model.name,
            version: snap.primary.model.version,
            served,
          })
        : `Serving ${served.map((s) => `${s.variant} ${s.model}/${s.version}`).join(", ")} (deployment ${runtime.name}) on ${url}`,
    );
    await waitForSignal();
    await closeGracefully(app);
    return 0;
  } finally {
    await retention?.stop();
    await controller?.stop();
    await leases?.stop();
    await host.close();
    await platform.close();
  }
}
