/** `modelworks serve MODEL@ALIAS|MODEL/VERSION | --deployment NAME`: the inference server. */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { systemClock } from "../../core/clock.js";
import type { PlatformConfig } from "../../core/config.js";
import { resolveConfig } from "../../core/config.js";
import { sqlitePathOf } from "../../core/db/open-database.js";
import type { Platform } from "../../server/open-platform.js";
import { openPlatform } from "../../server/open-platform.js";
import type { PredictionLogStore } from "../../serving/prediction-log/prediction-log-store.js";
import { SqlPredictionLogStore } from "../../serving/prediction-log/sql/sql-prediction-log-store.js";
import { SqliteWorkerPredictionLogStore } from "../../serving/prediction-log/sqlite-worker/sqlite-worker-prediction-log-store.js";
import { buildServingApp } from "../../serving/serving-app.js";
import { ServingHost } from "../../serving/serving-host.js";
import { singleTarget } from "../../serving/serving-targets.js";
import { VERSION } from "../../version.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS } from "../cli-context.js";
import { closeGracefully, listenOn } from "./listen.js";
import { waitForSignal } from "./server.js";

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
deployment says). Alias moves and deployment changes take effect live.

Options:
  --deployment NAME   serve a stored deployment (see 'modelworks deployments')
  --host HOST         default 127.0.0.1
  --port PORT         default 8080 (0 picks a free port)
  --poll-ms MS        how often to check the deployment and aliases for changes (default 1000)
  --max-rows N        most rows per request (default 10000)
  --body-limit BYTES  largest request body (default 5242880)
  --home DIR | --store URI | --artifacts DIR   the platform's stores (as for 'server')
  --json              print {"url", "deployment", "served"} once listening`;

/** Run the `serve` command until SIGINT/SIGTERM. */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_FLAGS,
      host: { type: "string" },
      port: { type: "string" },
      deployment: { type: "string" },
      "poll-ms": { type: "string" },
      "max-rows": { type: "string" },
      "body-limit": { type: "string" },
    },
  });
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
  const config = resolveConfig(values, io.env, io.cwd);
  const platform = await openPlatform(config);
  const host = hostFor(platform, config, pollMs, io);
  try {
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
    });
    const url = await listenOn(app, values.host ?? "127.0.0.1", port);
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
    await host.close();
    await platform.close();
  }
}

/** The serving host over the platform's stores. */
export function hostFor(platform: Platform, config: PlatformConfig, pollMs: number, io: CliIo): ServingHost {
  return new ServingHost({
    registry: platform.registry,
    artifacts: platform.artifacts,
    deployments: platform.deployments,
    predictions: predictionStore(platform, config.storeUri, io.cwd),
    clock: systemClock,
    cacheDir: join(config.home, "serving-cache"),
    pollMs,
    warn: (m) => io.err(`warning: ${m}`),
  });
}

/** On an embedded SQLite file, prediction inserts run on a writer thread (off the event loop). */
function predictionStore(platform: Platform, storeUri: string, cwd: string): PredictionLogStore {
  const sql = new SqlPredictionLogStore(platform.db);
  if (platform.db.dialect.name !== "sqlite") return sql;
  const path = sqlitePathOf(storeUri, cwd);
  return path === undefined ? sql : new SqliteWorkerPredictionLogStore(path, sql);
}

/** An integer flag in [min, max], or the default. */
export function intFlag(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliError(`--${name} must be an integer from ${min} to ${max}, got '${text}'`);
  return n;
}
