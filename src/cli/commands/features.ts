/** `modelworks features apply|ls|show|get-historical` (online subcommands in features-online.ts) */
import { createWriteStream } from "node:fs";
import { readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { extname, join, relative, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import type { FeatureRouteName } from "../../core/api/feature-routes.js";
import { resolveConfig } from "../../core/config.js";
import { outputFormatOf, writeTable } from "../../data/write/write-table.js";
import { OBJECT_KINDS, type ObjectKind } from "../../features/definitions/feature-spec.js";
import type { PlatformApi } from "../../sdk/platform-client.js";
import { openPlatform } from "../../server/open-platform.js";
import { featureHandlers } from "../../server/platform/feature-handlers.js";
import { openFeatureServices } from "../../server/platform/feature-services.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, connectPlatformApi, intFlag } from "../cli-context.js";
import { clientAuthorization, fetchWithAuthorization } from "../client-auth.js";
import type { RetrievalInfo, RetrievalRequest } from "./feature-retrieval.js";
import { requestRemote, retrieveLocally } from "./feature-retrieval.js";
import { formatApply, formatObject, formatObjects } from "./features-format.js";
import { FEATURES_ONLINE_HELP, freshnessCommand, getOnlineCommand, materializeCommand } from "./features-online.js";

export const FEATURES_HELP = `Usage:
  modelworks features apply FILE|DIR... [--dry-run] [--json]
                                   check feature definition files (YAML) together and store them as the
                                   next registry version; the files are the whole set (objects left out
                                   are removed); DIR means its *.yaml and *.yml files
  modelworks features ls [--kind entity|source|feature_view|feature_service] [--json]
  modelworks features show NAME [--json]
  modelworks features get-historical --entities FILE|DATASET[@VERSION] (--service NAME | --features VIEW:FEATURE,...)
                                   [--full-names] [--event-time COL] [--registry-version N]
                                   [--dataset-versions NAME@VERSION,...] --out FILE [--json]
                                   a point-in-time training set: each entity row (join keys and a time,
                                   default column event_timestamp) with each view's latest row at or
                                   before that time and within the view's ttl; CSV, or Parquet for
                                   .parquet/.pq; --full-names names columns VIEW__FEATURE
${FEATURES_ONLINE_HELP}

Definitions: entities (join keys and types), sources (a dataset, its timestamp_field and optional
created_timestamp_column), feature_views (entities, source, features and types, ttl, online, tags)
and feature_services (lists of view or view:feature). See docs/features.md.
Connection: --tracking-uri URL (or MODELWORKS_TRACKING_URI) talks to a server; otherwise the embedded
store in --home / MODELWORKS_HOME (default ./.modelworks). Applying needs an admin.`;

type FeatureApi = Pick<PlatformApi, FeatureRouteName>;

type Flags = {
  json?: boolean;
  "dry-run"?: boolean;
  kind?: string;
  entities?: string;
  service?: string;
  features?: string;
  "full-names"?: boolean;
  "event-time"?: string;
  "registry-version"?: string;
  "dataset-versions"?: string;
  out?: string;
  start?: string;
  end?: string;
  views?: string;
  entity?: string[];
  "online-store"?: string;
  home?: string;
  store?: string;
  artifacts?: string;
  token?: string;
  "tracking-uri"?: string;
};

/** Run the `features` command. */
export async function featuresCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_FLAGS,
      "dry-run": { type: "boolean" },
      kind: { type: "string" },
      entities: { type: "string" },
      service: { type: "string" },
      features: { type: "string" },
      "full-names": { type: "boolean" },
      "event-time": { type: "string" },
      "registry-version": { type: "string" },
      "dataset-versions": { type: "string" },
      out: { type: "string" },
      start: { type: "string" },
      end: { type: "string" },
      views: { type: "string" },
      entity: { type: "string", multiple: true },
      "online-store": { type: "string" },
    },
  });
  const [sub, ...args] = positionals;
  if (values.help || !sub) {
    io.out(FEATURES_HELP);
    return values.help ? 0 : 2;
  }
  if (sub === "get-historical") return getHistorical(values, io);
  if (sub === "materialize" || sub === "materialize-incremental")
    return materializeCommand(values, io, sub === "materialize-incremental");
  if (!["apply", "ls", "show", "get-online", "freshness"].includes(sub))
    throw new CliError(
      `unknown subcommand 'features ${sub}' (expected apply, ls, show, get-historical, materialize, materialize-incremental, get-online or freshness)`,
    );
  const files = sub === "apply" ? await definitionFiles(args, io.cwd) : [];
  const kind = values.kind === undefined ? undefined : kindFlag(values.kind);
  const conn = await connectPlatformApi<FeatureApi>(values, io, (p) =>
    featureHandlers(openFeatureServices(p.db, p.datasets, undefined, p.onlineStore)),
  );
  try {
    if (sub === "get-online") return await getOnlineCommand(values, io, conn.api);
    if (sub === "freshness") return await freshnessCommand(values, io, conn.api);
    if (sub === "apply") {
      const r = await conn.api.applyFeatures({ files, dry_run: values["dry-run"] === true });
      return print(io, values, r, formatApply);
    }
    if (sub === "ls") return print(io, values, await conn.api.listFeatureObjects(kind ? { kind } : {}), formatObjects);
    if (!args[0]) throw new CliError("features show needs a NAME");
    return print(io, values, await conn.api.getFeatureObject({ name: args[0] }), formatObject);
  } finally {
    await conn.close();
  }
}

function print<T>(io: CliIo, flags: Flags, value: T, human: (v: T) => string): number {
  io.out(flags.json ? JSON.stringify(value, null, 2) : human(value));
  return 0;
}

function kindFlag(text: string): ObjectKind {
  if (!(OBJECT_KINDS as readonly string[]).includes(text))
    throw new CliError(`--kind must be one of ${OBJECT_KINDS.join(", ")}, got '${text}'`);
  return text as ObjectKind;
}

/** The files to apply, labelled relative to the working directory (when under it); folders give their YAML files. */
async function definitionFiles(args: string[], cwd: string): Promise<{ path: string; text: string }[]> {
  if (args.length === 0) throw new CliError("features apply needs at least one FILE or DIR");
  const out: { path: string; text: string }[] = [];
  for (const arg of args) {
    const abs = resolve(cwd, arg);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw new CliError(`${arg}: no such file or directory`);
    const paths = info.isDirectory()
      ? (await readdir(abs))
          .filter((f) => [".yaml", ".yml"].includes(extname(f).toLowerCase()))
          .sort()
          .map((f) => join(abs, f))
      : [abs];
    if (paths.length === 0) throw new CliError(`${arg}: no .yaml or .yml files in this folder`);
    for (const p of paths) {
      const rel = relative(cwd, p);
      out.push({ path: rel === "" || rel.startsWith("..") ? p : rel, text: await readFile(p, "utf8") });
    }
  }
  return out;
}

async function getHistorical(flags: Flags, io: CliIo): Promise<number> {
  if (!flags.entities) throw new CliError("features get-historical needs --entities FILE|DATASET[@VERSION]");
  if (!flags.out) throw new CliError("features get-historical needs --out FILE (.csv, or .parquet)");
  if (!flags.service === !flags.features)
    throw new CliError("features get-historical needs --service NAME or --features VIEW:FEATURE,... (one of them)");
  const req: RetrievalRequest = {
    entities: flags.entities,
    service: flags.service,
    features: flags.features,
    fullNames: flags["full-names"],
    eventTime: flags["event-time"],
    registryVersion:
      flags["registry-version"] === undefined
        ? undefined
        : intFlag("registry-version", flags["registry-version"], 0, 0, 1e9),
    datasetVersions: flags["dataset-versions"],
  };
  const out = resolve(io.cwd, flags.out);
  const format = outputFormatOf(out);
  // Written beside the target and renamed into place: a failure never leaves half a file under its name.
  const partial = `${out}.partial-${process.pid}`;
  let info: RetrievalInfo;
  try {
    info = await writeTrainingSet(flags, io, req, partial, format);
    await rename(partial, out);
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
  const sources = info.sources.map((s) => `${s.dataset}@${s.version}`).join(", ") || "none";
  const json = { out, format, rows: info.rows, registry_version: info.registryVersion, sources: info.sources };
  return print(
    io,
    flags,
    json,
    () => `Wrote ${info.rows} rows to ${flags.out} (registry version ${info.registryVersion}; read ${sources})`,
  );
}

async function writeTrainingSet(
  flags: Flags,
  io: CliIo,
  req: RetrievalRequest,
  path: string,
  format: "csv" | "parquet",
): Promise<RetrievalInfo> {
  const uri = flags["tracking-uri"] ?? io.env.MODELWORKS_TRACKING_URI ?? io.env.MLFLOW_TRACKING_URI;
  if (uri && /^https?:\/\//.test(uri)) {
    const authed = fetchWithAuthorization(clientAuthorization(flags, io));
    const res = await requestRemote({ baseUrl: uri, fetch: authed }, req, io.cwd, format);
    await pipeline(res.body, createWriteStream(path));
    return res.info;
  }
  const platform = await openPlatform(resolveConfig(flags, io.env, io.cwd));
  try {
    const set = await retrieveLocally(platform, req, io.cwd);
    const pass = new PassThrough();
    const written = pipeline(pass, createWriteStream(path));
    await writeTable(pass, set.table, format).then(
      () => pass.end(),
      (e: unknown) => pass.destroy(e as Error),
    );
    await written;
    return set;
  } finally {
    await platform.close();
  }
}
