/** `modelworks server [--host --port --store URI --artifacts URI]` */
import { parseArgs } from "node:util";
import type { OutboundPolicy } from "../../auth/outbound-policy.js";
import { resolveConfig } from "../../core/config.js";
import { buildApp } from "../../server/app.js";
import type { HttpHardening } from "../../server/hardening/request-guard.js";
import { hardenedServerFactory } from "../../server/hardening/request-guard.js";
import { openPlatform } from "../../server/open-platform.js";
import { defaultWebRoot } from "../../server/web-ui-routes.js";
import { VERSION } from "../../version.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS } from "../cli-context.js";
import { LOG_FORMAT_FLAGS, LOG_FORMAT_HELP, withLogFormat } from "../log-format.js";
import { OUTBOUND_FLAGS, OUTBOUND_HELP, outboundPolicyOf } from "../outbound-flags.js";
import { defaultPermissionFlag, SERVER_AUTH_FLAGS, SERVER_AUTH_HELP, serverAuthPolicy } from "../server-auth.js";
import {
  HARDENING_FLAGS,
  HARDENING_HELP,
  hardeningOf,
  maxUploadBytesOf,
  UPLOAD_FLAGS,
  UPLOAD_HELP,
} from "./http-flags.js";
import { closeGracefully, listenOn, waitForSignal } from "./listen.js";

export const SERVER_HELP = `Usage: modelworks server [--host 127.0.0.1] [--port 5000] [--store URI] [--artifacts DIR] [--home DIR]
                         [--data-root DIR]...

Runs the MLflow-compatible tracking and model registry server.
  --store      sqlite:///relative.db, sqlite:////absolute.db or postgresql://user@host:port/db
               (default: sqlite in --home, MODELWORKS_HOME or ./.modelworks)
  --artifacts  folder for proxied artifacts (default: <home>/artifacts)
  --data-root  a folder whose files clients may name by server-side path (dataset 'path',
               validate 'path'); repeatable, or MODELWORKS_DATA_ROOTS (':'-separated).
               Default none: clients upload the bytes instead
  --online-store  the online feature store (get-online-features): sqlite:PATH or
               redis://HOST:PORT[/DB][?prefix=P]; or MODELWORKS_ONLINE_STORE (default sqlite:<home>/online-store.db)
${SERVER_AUTH_HELP}
${LOG_FORMAT_HELP}
${HARDENING_HELP}
${UPLOAD_HELP}
${OUTBOUND_HELP}
Point MLflow clients at it with MLFLOW_TRACKING_URI=http://HOST:PORT and MLFLOW_TRACKING_TOKEN (or
MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD). The first start creates the admin user and saves
its token in the home ('modelworks tokens create' makes more).`;

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Open the stores, build the app and listen. */
export async function startServer(
  opts: {
    host: string;
    port: number;
    home?: string;
    store?: string;
    artifacts?: string;
    "data-root"?: string[];
    "online-store"?: string;
    "no-auth"?: boolean;
    "default-permission"?: string;
    hardening?: HttpHardening;
    maxUploadBytes?: number;
    outbound?: OutboundPolicy;
  },
  io: CliIo,
): Promise<RunningServer> {
  const config = resolveConfig(opts, io.env, io.cwd);
  const defaultPermission = defaultPermissionFlag(opts["default-permission"]);
  const platform = await openPlatform(config, {
    ...(defaultPermission ? { defaultPermission } : {}),
    ...(opts.outbound ? { outbound: opts.outbound } : {}),
  });
  await platform.datasets.fileRoots.verify().catch(async (e: unknown) => {
    await platform.close();
    throw e;
  });
  let url: string;
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    const auth = await serverAuthPolicy(opts, opts.host, platform, config.home, io);
    app = await buildApp({
      ...platform,
      log: (line) => io.err(line),
      auth,
      version: VERSION,
      webRoot: defaultWebRoot(),
      serverFactory: hardenedServerFactory(opts.hardening),
      ...(opts.maxUploadBytes !== undefined ? { maxUploadBytes: opts.maxUploadBytes } : {}),
    });
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
export async function serverCommand(argv: string[], given: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...CONNECTION_FLAGS,
      ...SERVER_AUTH_FLAGS,
      ...LOG_FORMAT_FLAGS,
      "data-root": { type: "string", multiple: true },
      "online-store": { type: "string" },
      ...HARDENING_FLAGS,
      ...UPLOAD_FLAGS,
      ...OUTBOUND_FLAGS,
      host: { type: "string" },
      port: { type: "string" },
    },
  });
  const io = withLogFormat(given, values["log-format"]);
  if (values.help) {
    io.out(SERVER_HELP);
    return 0;
  }
  const port = Number(values.port ?? 5000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be 0-65535, got '${values.port}'`);
  const hardening = hardeningOf(values, io.env);
  const maxUploadBytes = maxUploadBytesOf(values);
  const outbound = outboundPolicyOf(values, io);
  const server = await startServer(
    { ...values, host: values.host ?? "127.0.0.1", port, hardening, maxUploadBytes, outbound },
    io,
  );
  io.out(values.json ? JSON.stringify({ url: server.url }) : `Modelworks ${VERSION} listening on ${server.url}`);
  await waitForSignal();
  await server.close();
  return 0;
}
