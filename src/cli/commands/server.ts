/** `modelworks server [--host --port --store URI --artifacts URI]` */
import { parseArgs } from "node:util";
import type { OutboundPolicy } from "../../auth/outbound-policy.js";
import { resolveConfig } from "../../core/config.js";
import { buildApp } from "../../server/app.js";
import { openPlatform } from "../../server/open-platform.js";
import { defaultWebRoot } from "../../server/web-ui-routes.js";
import { VERSION } from "../../version.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS } from "../cli-context.js";
import { OUTBOUND_FLAGS, OUTBOUND_HELP, outboundPolicyOf } from "../outbound-flags.js";
import { closeGracefully, listenOn, waitForSignal } from "./listen.js";

export const SERVER_HELP = `Usage: modelworks server [--host 127.0.0.1] [--port 5000] [--store URI] [--artifacts DIR] [--home DIR]

Runs the MLflow-compatible tracking and model registry server.
  --store      sqlite:///relative.db, sqlite:////absolute.db or postgresql://user@host:port/db
               (default: sqlite in --home, MODELWORKS_HOME or ./.modelworks)
  --artifacts  folder for proxied artifacts (default: <home>/artifacts)
${OUTBOUND_HELP}
Point MLflow clients at it with MLFLOW_TRACKING_URI=http://HOST:PORT.`;

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Open the stores, build the app and listen. */
export async function startServer(
  opts: { host: string; port: number; home?: string; store?: string; artifacts?: string; outbound?: OutboundPolicy },
  io: CliIo,
): Promise<RunningServer> {
  const platform = await openPlatform(
    resolveConfig(opts, io.env, io.cwd),
    opts.outbound ? { outbound: opts.outbound } : {},
  );
  const app = await buildApp({ ...platform, version: VERSION, webRoot: defaultWebRoot() });
  let url: string;
  try {
    url = await listenOn(app, opts.host, opts.port);
  } catch (e) {
    await platform.close();
    throw e;
  }
  return {
    url,
    close: async () => {
      await closeGracefully(app);
      await platform.close();
    },
  };
}

/** Run the `server` command until SIGINT/SIGTERM. */
export async function serverCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { ...CONNECTION_FLAGS, ...OUTBOUND_FLAGS, host: { type: "string" }, port: { type: "string" } },
  });
  if (values.help) {
    io.out(SERVER_HELP);
    return 0;
  }
  const port = Number(values.port ?? 5000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be 0-65535, got '${values.port}'`);
  const outbound = outboundPolicyOf(values, io);
  const server = await startServer({ ...values, host: values.host ?? "127.0.0.1", port, outbound }, io);
  io.out(values.json ? JSON.stringify({ url: server.url }) : `Modelworks ${VERSION} listening on ${server.url}`);
  await waitForSignal();
  await server.close();
  return 0;
}
