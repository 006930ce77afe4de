/** `modelworks data add|ls|show|diff|profile|infer|validate|schema|log-input` */
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { FileRoots } from "../../auth/file-roots.js";
import { resolveConfig } from "../../core/config.js";
import { invalidParam, isMwError } from "../../core/errors.js";
import { formatProfile, profileTable } from "../../data/profile.js";
import { readTable } from "../../data/read-table.js";
import { formatTypeOverrides, parseTypeOverrides } from "../../data/type-overrides.js";
import { parseDatasetRef } from "../../data/versions/dataset-ref.js";
import { formatOf } from "../../data/versions/dataset-versions.js";
import { formatDiff, formatListing, formatVersionInfo } from "../../data/versions/format.js";
import type { PlatformApi } from "../../sdk/platform-client.js";
import { createPlatformClient } from "../../sdk/platform-client.js";
import { openPlatform } from "../../server/open-platform.js";
import { datasetHandlers } from "../../server/platform/dataset-handlers.js";
import { validateTableFile } from "../../server/platform/table-analysis.js";
import type { ValidationReport } from "../../validation/report.js";
import { formatReport } from "../../validation/report.js";
import { schemaFromYaml } from "../../validation/schema.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS } from "../cli-context.js";
import { clientAuthorization, fetchWithAuthorization } from "../client-auth.js";
import { inferFile } from "./data-infer.js";

export const DATA_HELP = `Usage:
  modelworks data add FILE --name NAME [--label COL] [--type COL=TYPE]... [--json]
  modelworks data ls [--json]
  modelworks data show NAME[@VERSION] [--json]
  modelworks data diff NAME@A NAME@B [--json]
  modelworks data profile FILE [--type COL=TYPE]... [--json]
  modelworks data infer FILE [--label COL] [--type COL=TYPE]... [--batch-rows 100] [--row-count LO,HI] [--json]
                                                  print the schema inferred from FILE (YAML; JSON with --json),
                                                  storing nothing; edit it, then validate with --schema FILE.yaml
  modelworks data validate FILE --schema NAME[@VERSION]|SCHEMA.yaml|SCHEMA.json [--json]
                                                  (exit 1 when an error-level check fails)
  modelworks data schema NAME[@VERSION] [--json]          print the schema (YAML; JSON with --json)
  modelworks data schema NAME[@VERSION] --set FILE        store an edited schema (YAML or JSON)
  modelworks data log-input NAME[@VERSION] --run RUN_ID [--context training]
                                                  record the version as an input of a run (lineage)

TYPE is one of int, float, bool, string, timestamp (Yes/No columns stay strings unless declared bool).

Dataset versions: 'add' stores an immutable snapshot of FILE (CSV or Parquet) in the
content-addressed store (MODELWORKS_HOME/objects/sha256/..) with its profile and inferred schema;
adding the same bytes again returns the existing version. VERSION defaults to the latest.
Inferred schemas pass clean later batches of the same source: no row-count check (declare one with
--row-count LO,HI, multiples of FILE's rows, checked as a warning), id-like columns (distinct strings
or integers) only checked for uniqueness, tolerances sized for batches of --batch-rows rows or more.
Connection: --tracking-uri URL (or MODELWORKS_TRACKING_URI) talks to a server (files are
uploaded); otherwise the embedded store in --home / MODELWORKS_HOME (default ./.modelworks).`;

type Flags = {
  json?: boolean;
  type?: string[];
  set?: string;
  run?: string;
  context?: string;
  name?: string;
  label?: string;
  schema?: string;
  home?: string;
  store?: string;
  artifacts?: string;
  "tracking-uri"?: string;
  "batch-rows"?: string;
  "row-count"?: string;
};

interface DataConnection {
  api: PlatformApi;
  remote: boolean;
  close(): Promise<void>;
}

/** Run the `data` command. */
export async function dataCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_FLAGS,
      name: { type: "string" },
      label: { type: "string" },
      schema: { type: "string" },
      type: { type: "string", multiple: true },
      set: { type: "string" },
      run: { type: "string" },
      context: { type: "string" },
      "batch-rows": { type: "string" },
      "row-count": { type: "string" },
    },
  });
  const [sub, ...args] = positionals;
  if (values.help || !sub) {
    io.out(DATA_HELP);
    return values.help ? 0 : 2;
  }
  if (sub === "profile") return profileFile(need(args[0], "data profile needs a FILE"), values, io);
  if (sub === "infer") return inferFile(need(args[0], "data infer needs a FILE"), values, io);
  if (sub === "validate" && values.schema && isSchemaFile(values.schema)) {
    return validateWithFile(need(args[0], "data validate needs a FILE"), values.schema, values, io);
  }
  if (!SUBCOMMANDS.includes(sub)) {
    throw new CliError(`unknown subcommand 'data ${sub}' (expected ${SUBCOMMANDS.join(", ")}, profile or infer)`);
  }
  const conn = await connectData(values, io);
  try {
    if (sub === "add") return await add(conn, need(args[0], "data add needs a FILE"), values, io);
    if (sub === "ls") return print(io, values, (await conn.api.listDatasets({})).datasets, formatListing);
    if (sub === "show") return await show(conn, need(args[0], "data show needs NAME[@VERSION]"), values, io);
    if (sub === "diff") return await diff(conn, args, values, io);
    if (sub === "schema") return await schema(conn, need(args[0], "data schema needs NAME[@VERSION]"), values, io);
    if (sub === "log-input")
      return await logInput(conn, need(args[0], "data log-input needs NAME[@VERSION]"), values, io);
    return await validate(conn, need(args[0], "data validate needs a FILE"), values, io);
  } finally {
    await conn.close();
  }
}

const SUBCOMMANDS = ["add", "ls", "show", "diff", "validate", "schema", "log-input"];

function need(v: string | undefined, message: string): string {
  if (!v) throw new CliError(message);
  return v;
}

function print<T>(io: CliIo, flags: Flags, value: T, human: (v: T) => string): number {
  io.out(flags.json ? JSON.stringify(value, null, 2) : human(value));
  return 0;
}

/** The platform API over HTTP (with a tracking URI) or in-process on the embedded store. */
async function connectData(flags: Flags, io: CliIo): Promise<DataConnection> {
  const uri = flags["tracking-uri"] ?? io.env.MODELWORKS_TRACKING_URI ?? io.env.MLFLOW_TRACKING_URI;
  if (uri && /^https?:\/\//.test(uri)) {
    const api = createPlatformClient({ baseUrl: uri, fetch: fetchWithAuthorization(clientAuthorization(flags, io)) });
    return { api, remote: true, close: async () => {} };
  }
  const platform = await openPlatform(resolveConfig(flags, io.env, io.cwd));
  // In-process, the paths come from the user's own command line: their files, read as them.
  const fileRoots = FileRoots.unrestricted();
  const api = datasetHandlers(platform.datasets, { tracking: platform.tracking, fileRoots }) as unknown as PlatformApi;
  return { api, remote: false, close: () => platform.close() };
}

async function add(conn: DataConnection, file: string, flags: Flags, io: CliIo): Promise<number> {
  const name = need(flags.name, "data add needs --name NAME");
  const path = resolve(io.cwd, file);
  const types = flags.type?.length ? formatTypeOverrides(parseTypeOverrides(flags.type)) : undefined;
  const req = { name, ...(flags.label ? { label: flags.label } : {}), ...(types ? { types } : {}) };
  const res = conn.remote
    ? await conn.api.createDataset({ ...req, format: formatOf(path), source: path }, await openFile(path))
    : await conn.api.createDataset({ ...req, path });
  return print(io, flags, res, (r) => {
    const v = r.dataset_version;
    const what = `${v.name}@${v.version} (${v.rows} rows × ${v.columns} columns, sha256:${v.digest.slice(0, 12)})`;
    return r.created ? `Added ${what}` : `Unchanged: ${what} already holds these bytes`;
  });
}

async function openFile(path: string) {
  if (!(await stat(path).catch(() => undefined))?.isFile()) throw invalidParam(`File not found: '${path}'.`);
  return createReadStream(path);
}

async function show(conn: DataConnection, refText: string, flags: Flags, io: CliIo): Promise<number> {
  const ref = parseDatasetRef(refText);
  const res = await conn.api.getDatasetVersion({ name: ref.name, version: String(ref.version ?? "latest") });
  return print(io, flags, res.dataset_version, formatVersionInfo);
}

async function diff(conn: DataConnection, args: string[], flags: Flags, io: CliIo): Promise<number> {
  if (args.length !== 2) throw new CliError("data diff needs two versions: NAME@A NAME@B");
  const a = parseDatasetRef(args[0] as string);
  const b = parseDatasetRef(args[1] as string);
  const res = await conn.api.diffDatasets({
    name: a.name,
    a: String(a.version ?? "latest"),
    b: `${b.name}@${b.version ?? "latest"}`,
  });
  return print(io, flags, res, formatDiff);
}

async function validate(conn: DataConnection, file: string, flags: Flags, io: CliIo): Promise<number> {
  const ref = parseDatasetRef(need(flags.schema, "data validate needs --schema NAME[@VERSION]"));
  const path = resolve(io.cwd, file);
  const req = { name: ref.name, version: String(ref.version ?? "latest") };
  const report = conn.remote
    ? await conn.api.validateDataset(req, await openFile(path))
    : await conn.api.validateDataset({ ...req, path });
  print(io, flags, report, (r) => formatReport(r as unknown as ValidationReport));
  return report.success ? 0 : 1;
}

/** Profile a file without storing anything. */
async function profileFile(file: string, flags: Flags, io: CliIo): Promise<number> {
  const path = resolve(io.cwd, file);
  if (!(await stat(path).catch(() => undefined))?.isFile()) throw invalidParam(`File not found: '${file}'.`);
  const table = await readTable(path, { types: parseTypeOverrides(flags.type) }).catch((e: unknown) => {
    throw isMwError(e) ? e : invalidParam(`Cannot read '${file}': ${(e as Error).message}`);
  });
  return print(io, flags, profileTable(table), formatProfile);
}

/** Print a version's schema, or store an edited one with `--set FILE`. */
async function schema(conn: DataConnection, refText: string, flags: Flags, io: CliIo): Promise<number> {
  const ref = parseDatasetRef(refText);
  const req = { name: ref.name, version: String(ref.version ?? "latest") };
  if (flags.set) {
    const text = await readFile(resolve(io.cwd, flags.set), "utf8").catch(() => {
      throw invalidParam(`Cannot read the schema file '${flags.set}'.`);
    });
    const res = await conn.api.setDatasetSchema({ ...req, schema: text });
    return print(io, flags, res, () => `Stored the schema of ${refText} from ${flags.set}`);
  }
  const res = await conn.api.getDatasetSchema({ ...req, format: flags.json ? "json" : "yaml" });
  io.out(flags.json ? JSON.stringify(res.schema, null, 2) : res.text.trimEnd());
  return 0;
}

/** Record a dataset version as an input of a tracking run. */
async function logInput(conn: DataConnection, refText: string, flags: Flags, io: CliIo): Promise<number> {
  const ref = parseDatasetRef(refText);
  const runId = need(flags.run, "data log-input needs --run RUN_ID");
  const req = { name: ref.name, version: String(ref.version ?? "latest"), run_id: runId };
  await conn.api.logDatasetInput(flags.context ? { ...req, context: flags.context } : req);
  return print(io, flags, { run_id: runId, dataset: refText }, () => `Logged ${refText} as an input of run ${runId}`);
}

function isSchemaFile(ref: string): boolean {
  return /\.(ya?ml|json)$/i.test(ref);
}

/** Validate against a schema file (an exported, possibly edited schema), without any store. */
async function validateWithFile(file: string, schemaPath: string, flags: Flags, io: CliIo): Promise<number> {
  const text = await readFile(resolve(io.cwd, schemaPath), "utf8").catch(() => {
    throw invalidParam(`Cannot read the schema file '${schemaPath}'.`);
  });
  const path = resolve(io.cwd, file);
  if (!(await stat(path).catch(() => undefined))?.isFile()) throw invalidParam(`File not found: '${file}'.`);
  const report = await validateTableFile(path, JSON.stringify(schemaFromYaml(text)));
  print(io, flags, report, (r) => formatReport(r as unknown as ValidationReport));
  return report.success ? 0 : 1;
}
