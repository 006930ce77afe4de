/** `modelworks deployments create|ls|show|update|delete|events` */
import { parseArgs } from "node:util";
import type { PlatformRoutes } from "../../core/api/platform-routes.js";
import type { RequestOf } from "../../core/api/route.js";
import { resolveConfig } from "../../core/config.js";
import { parseDuration } from "../../core/duration.js";
import type { DeploymentApi, PlatformApi } from "../../sdk/platform-client.js";
import { createPlatformClient } from "../../sdk/platform-client.js";
import { openPlatform } from "../../server/open-platform.js";
import { deploymentHandlers } from "../../server/platform/deployment-handlers.js";
import { logHandlers } from "../../server/platform/log-handlers.js";
import { formatDeployment, formatDeploymentList, formatEvents } from "../../serving/deployments/deployment-format.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS } from "../cli-context.js";
import { clientAuthorization, fetchWithAuthorization } from "../client-auth.js";
import { OUTBOUND_FLAGS, outboundPolicyOf } from "../outbound-flags.js";
import {
  givenRolloutFlags,
  ROLLOUT_ANALYSIS_HELP,
  ROLLOUT_SETTING_FLAGS,
  rolloutSettingsFromFlags,
} from "../rollout-flags.js";
import { exportLogRequest, writeExport } from "./deployments-export-log.js";

export const DEPLOYMENTS_HELP = `Usage:
  modelworks deployments create NAME --model MODEL@ALIAS|MODEL/VERSION [--candidate REF] [--weight N]
                         [--shadow] [--routing-key COL|header:NAME] [--sampling X] [--description TEXT]
                         [--on-alias-change rollout|swap] [rollout settings]
                         [--log-retention DURATION] [--archive-log]
                         [--features SERVICE [--missing-features fail|null]]
  modelworks deployments ls [--status active|stopped]
  modelworks deployments show NAME                      settings, what each serving process serves, 20 latest events
  modelworks deployments update NAME [--primary REF] [--candidate REF | --no-candidate] [--weight N]
                         [--shadow | --no-shadow] [--routing-key COL|header:NAME | --no-routing-key]
                         [--sampling X] [--description TEXT|""] [--stop | --start] [--expected-generation N]
                         [--on-alias-change rollout|swap] [rollout settings | --default-rollout]
                         [--log-retention DURATION] [--archive-log | --no-archive-log]
                         [--features SERVICE [--missing-features fail|null] | --no-features]
  modelworks deployments delete NAME
  modelworks deployments events NAME [--limit N]
  modelworks deployments export-log NAME --out FILE.parquet|FILE.csv [--from T] [--to T]
                         [--variant primary|candidate|shadow]
All take --json.

A deployment serves a primary model (MODEL@ALIAS follows the alias, see below; MODEL/VERSION is
fixed) and optionally a candidate answering --weight percent (0-100) of the traffic, or scoring a
copy of every request with --shadow. --routing-key makes assignment sticky per key: a request
column such as customerID, or header:NAME. --sampling (0-1) is the share of requests written to
the prediction log; --log-retention (default 30d) how long logged rows and their feedback are kept
(1h to 3650d); --archive-log exports each closed day of the log to the artifact store (Parquet,
prediction-logs/NAME/YYYY-MM-DD.parquet) before retention removes it. Every change bumps the
generation and is recorded as an event; --no-candidate also resets the weight and shadow mode.

export-log writes the prediction log in [--from, --to) (an ISO date or date-time, or epoch
milliseconds; default all of it) as Parquet or CSV, by --out's extension: one column per model
input, then timestamp, request_id, row, variant, model, version, routing_key, score, label and
outcome (the feedback's, empty when none). 'drift --current FILE' and 'data add FILE' read it.

--features SERVICE: requests carry the feature service's entity keys (and any other model inputs);
the server reads the service's features from the online store, scores, and logs the values it
read; a feature not found or older than its view's ttl fails the request (--missing-features fail,
the default: 400 naming it) or reaches the model as null.

When the alias of a MODEL@ALIAS primary moves (MLflow client, UI, 'models alias'), the deployment
keeps serving the version it serves and, with --on-alias-change rollout (the default), the rollout
controller of 'up' / 'serve --deployment' rolls the new version out as a canary with the
deployment's rollout settings; a rollback leaves the alias where it was before. --on-alias-change
swap serves the new version to all traffic at once.
Rollout settings (as 'rollout start' takes them; unset ones take its defaults; update merges them
into the stored ones, --default-rollout forgets them):
  --steps 5,25,50,100  --interval 30s  --threshold 2  --shadow-first
${ROLLOUT_ANALYSIS_HELP}
Connection: --tracking-uri URL (or MODELWORKS_TRACKING_URI) talks to a server, whose own
--allow-outbound applies; otherwise the embedded store in --home / MODELWORKS_HOME, where webhook,
Prometheus and notify URLs must be allowed with --allow-outbound HOST (see 'rollout --help').`;

const OPTIONS = {
  ...CONNECTION_FLAGS,
  model: { type: "string" },
  primary: { type: "string" },
  candidate: { type: "string" },
  "no-candidate": { type: "boolean" },
  weight: { type: "string" },
  shadow: { type: "boolean" },
  "no-shadow": { type: "boolean" },
  "routing-key": { type: "string" },
  "no-routing-key": { type: "boolean" },
  sampling: { type: "string" },
  "log-retention": { type: "string" },
  "archive-log": { type: "boolean" },
  "no-archive-log": { type: "boolean" },
  description: { type: "string" },
  stop: { type: "boolean" },
  start: { type: "boolean" },
  status: { type: "string" },
  limit: { type: "string" },
  "expected-generation": { type: "string" },
  "on-alias-change": { type: "string" },
  features: { type: "string" },
  "missing-features": { type: "string" },
  "no-features": { type: "boolean" },
  "default-rollout": { type: "boolean" },
  out: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  variant: { type: "string" },
  ...ROLLOUT_SETTING_FLAGS,
  ...OUTBOUND_FLAGS,
} as const;

type DeploymentCliApi = DeploymentApi & Pick<PlatformApi, "exportDeploymentLog">;
type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];
type UpdateRequest = RequestOf<PlatformRoutes["updateDeployment"]>;
type CreateRequest = RequestOf<PlatformRoutes["createDeployment"]>;

const SUBCOMMANDS = ["create", "ls", "show", "update", "delete", "events", "export-log"];

/** Run the `deployments` command. */
export async function deploymentsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [sub, name, ...extra] = positionals;
  if (values.help || !sub) {
    io.out(DEPLOYMENTS_HELP);
    return values.help ? 0 : 2;
  }
  if (!SUBCOMMANDS.includes(sub)) {
    throw new CliError(`unknown subcommand 'deployments ${sub}' (expected ${SUBCOMMANDS.join(", ")})`);
  }
  if (sub !== "ls" && !name) throw new CliError(`deployments ${sub} needs a deployment NAME`);
  if (extra.length > 0 || (sub === "ls" && name)) throw new CliError(`unexpected argument '${extra[0] ?? name}'`);
  const request = sub === "create" || sub === "update" ? settingsRequest(sub, values) : undefined;
  const exportRequest = sub === "export-log" ? exportLogRequest(name as string, values) : undefined;
  const conn = await connectDeployments(values, io);
  try {
    if (exportRequest)
      return await writeExport(await conn.api.exportDeploymentLog(exportRequest), values.out as string, io, values);
    return await runSubcommand(conn.api, sub, name as string, values, request, io);
  } finally {
    await conn.close();
  }
}

async function runSubcommand(
  api: DeploymentApi,
  sub: string,
  name: string,
  flags: Flags,
  request: Partial<UpdateRequest> | undefined,
  io: CliIo,
): Promise<number> {
  if (sub === "create") {
    const model = flags.model;
    if (!model) throw new CliError("deployments create needs --model MODEL@ALIAS or MODEL/VERSION");
    // create refuses the --no-* flags, so the request holds no null removals.
    const res = await api.createDeployment({ ...(request as CreateRequest), name, primary: model });
    return print(io, flags, res, (r) => formatDeployment(r.deployment, undefined, "Created deployment"));
  }
  if (sub === "update") {
    const res = await api.updateDeployment({ ...request, name });
    return print(io, flags, res, (r) => formatDeployment(r.deployment, undefined, "Updated deployment"));
  }
  if (sub === "ls") {
    const status = flags.status === undefined ? {} : { status: flags.status as "active" | "stopped" };
    return print(io, flags, await api.listDeployments(status), (r) => formatDeploymentList(r.deployments));
  }
  if (sub === "show") {
    return print(io, flags, await api.getDeployment({ name }), (r) =>
      formatDeployment(r.deployment, r.events, "Deployment", r.serving),
    );
  }
  if (sub === "delete") {
    await api.deleteDeployment({ name });
    return print(io, flags, { name, deleted: true }, () => `Deleted deployment ${name}`);
  }
  const limit = flags.limit === undefined ? {} : { limit: integer("--limit", flags.limit) };
  return print(io, flags, await api.listDeploymentEvents({ name, ...limit }), (r) => formatEvents(r.events));
}

/** The settings flags of `create` and `update` as a request (snake_case, `null` removes). */
function settingsRequest(sub: "create" | "update", f: Flags): Partial<UpdateRequest> {
  exclusive(f, "candidate", "no-candidate");
  exclusive(f, "shadow", "no-shadow");
  exclusive(f, "routing-key", "no-routing-key");
  exclusive(f, "stop", "start");
  exclusive(f, "archive-log", "no-archive-log");
  exclusive(f, "features", "no-features");
  if (f["missing-features"] !== undefined && f.features === undefined)
    throw new CliError("--missing-features goes with --features SERVICE");
  if (sub === "create" && f["no-features"]) throw new CliError("--no-features is for 'deployments update', not create");
  if (sub === "create") {
    for (const flag of [
      "primary",
      "no-candidate",
      "no-shadow",
      "no-routing-key",
      "no-archive-log",
      "stop",
      "start",
    ] as const) {
      if (f[flag] !== undefined) throw new CliError(`--${flag} is for 'deployments update', not create`);
    }
    if (f["expected-generation"] !== undefined) throw new CliError("--expected-generation is for 'update'");
  } else if (f.model !== undefined) {
    throw new CliError("deployments update takes --primary REF, not --model");
  }
  const req: Partial<UpdateRequest> = {};
  if (f.primary !== undefined) req.primary = f.primary;
  if (f.candidate !== undefined || f["no-candidate"]) req.candidate = f.candidate ?? null;
  if (f.weight !== undefined) req.candidate_weight = number("--weight", f.weight);
  if (f.shadow || f["no-shadow"]) req.shadow = Boolean(f.shadow);
  if (f["routing-key"] !== undefined || f["no-routing-key"]) req.routing_key = f["routing-key"] ?? null;
  if (f.sampling !== undefined) req.log_sampling = number("--sampling", f.sampling);
  if (f["log-retention"] !== undefined) req.log_retention_ms = duration("--log-retention", f["log-retention"]);
  if (f["archive-log"] || f["no-archive-log"]) req.archive_log = Boolean(f["archive-log"]);
  if (f.description !== undefined) req.description = f.description === "" && sub === "update" ? null : f.description;
  if (f.stop || f.start) req.status = f.stop ? "stopped" : "active";
  if (f.features !== undefined) {
    const missing = f["missing-features"] ?? "fail";
    if (missing !== "fail" && missing !== "null")
      throw new CliError(`--missing-features: expected fail or null, got '${missing}'`);
    req.features = { service: f.features, missing };
  } else if (f["no-features"]) req.features = null;
  if (f["expected-generation"] !== undefined) {
    req.expected_generation = integer("--expected-generation", f["expected-generation"]);
  }
  const policy = f["on-alias-change"];
  if (policy !== undefined) {
    if (policy !== "rollout" && policy !== "swap") {
      throw new CliError(`--on-alias-change: expected rollout or swap, got '${policy}'`);
    }
    req.on_alias_change = policy;
  }
  const given = givenRolloutFlags(f);
  if (f["default-rollout"]) {
    if (sub === "create") throw new CliError("--default-rollout is for 'deployments update', not create");
    if (given.length > 0) throw new CliError(`--default-rollout and --${given[0]} cannot be combined`);
    req.rollout = null;
  } else if (given.length > 0) req.rollout = rolloutSettingsFromFlags(f);
  return req;
}

function exclusive(f: Flags, a: keyof Flags, b: keyof Flags): void {
  if (f[a] !== undefined && f[b] !== undefined) throw new CliError(`--${a} and --${b} cannot be combined`);
}

function number(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n)) throw new CliError(`${flag}: expected a number, got '${text}'`);
  return n;
}

function duration(flag: string, text: string): number {
  try {
    return parseDuration(flag, text);
  } catch {
    throw new CliError(`${flag}: expected a duration such as 12h or 30d, got '${text}'`);
  }
}

function integer(flag: string, text: string): number {
  const n = number(flag, text);
  if (!Number.isSafeInteger(n)) throw new CliError(`${flag}: expected an integer, got '${text}'`);
  return n;
}

function print<T>(io: CliIo, flags: Flags, value: T, human: (v: T) => string): number {
  io.out(flags.json ? JSON.stringify(value, null, 2) : human(value));
  return 0;
}

/** The deployment API over HTTP (with a tracking URI) or in-process on the embedded store. */
async function connectDeployments(flags: Flags, io: CliIo): Promise<{ api: DeploymentCliApi; close(): Promise<void> }> {
  const uri = flags["tracking-uri"] ?? io.env.MODELWORKS_TRACKING_URI ?? io.env.MLFLOW_TRACKING_URI;
  if (uri && /^https?:\/\//.test(uri)) {
    return {
      api: createPlatformClient({ baseUrl: uri, fetch: fetchWithAuthorization(clientAuthorization(flags, io)) }),
      close: async () => {},
    };
  }
  const platform = await openPlatform(resolveConfig(flags, io.env, io.cwd), { outbound: outboundPolicyOf(flags, io) });
  // The very handlers the server uses, so both paths validate and answer alike.
  // export-log reads in this thread: the CLI answers no requests.
  const handlers = {
    ...deploymentHandlers(platform.deployments),
    ...logHandlers(platform.predictionLog, { inWorker: false }),
  };
  const api = handlers as unknown as DeploymentCliApi;
  return { api, close: () => platform.close() };
}
