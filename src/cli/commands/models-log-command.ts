/** The `models log` and `models import` subcommands: flags in, a logged and registered model out. */
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { resolveConfig } from "../../core/config.js";
import { invalidParam } from "../../core/errors.js";
import { readTable } from "../../data/read-table.js";
import { parseDatasetRef } from "../../data/versions/dataset-ref.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import { modelRuntimes } from "../../runtimes/model-runtimes.js";
import type { ModelRuntime } from "../../runtimes/runtime.js";
import { createPlatformClient } from "../../sdk/platform-client.js";
import { datasetHandlers } from "../../server/platform/dataset-handlers.js";
import type { CliIo, Connection, ConnectionFlags } from "../cli-context.js";
import { CliError } from "../cli-context.js";
import { clientAuthorization, fetchWithAuthorization } from "../client-auth.js";
import { addSignature, importFlavor, wrapModelFile } from "./models-import.js";
import type { LogModelOptions, LogModelResult } from "./models-log.js";
import { inspectModelFolder, logModelFolder } from "./models-log.js";

/** The flags `log` and `import` read. */
export interface LogFlags extends ConnectionFlags {
  name?: string | undefined;
  experiment?: string | undefined;
  "run-id"?: string | undefined;
  alias?: string | undefined;
  "training-data"?: string | undefined;
  flavor?: string | undefined;
  out?: string | undefined;
  "input-example"?: string | undefined;
  json?: boolean | undefined;
}

export const LOG_FLAG_OPTIONS = {
  "run-id": { type: "string" },
  alias: { type: "string" },
  "training-data": { type: "string" },
  flavor: { type: "string" },
  out: { type: "string" },
  "input-example": { type: "string" },
} as const;

/** `models log DIR --name NAME ...` */
export async function modelsLog(conn: Connection, args: string[], flags: LogFlags, io: CliIo): Promise<number> {
  const [dir, extra] = args;
  if (!dir || !flags.name) throw new CliError("models log needs DIR and --name NAME");
  if (extra !== undefined) throw new CliError(`unexpected argument '${extra}'`);
  checkRunFlags(flags);
  const res = await logModelFolder(conn, resolve(io.cwd, dir), logOptions(conn, flags, io));
  printResult(res, flags, io);
  return 0;
}

/** `models import FILE --flavor F --name NAME ...` (or `--out DIR` to write the folder only). */
export async function modelsImport(
  connect: () => Promise<Connection>,
  args: string[],
  flags: LogFlags,
  io: CliIo,
): Promise<number> {
  const [file, extra] = args;
  if (!file) throw new CliError("models import needs FILE");
  if (extra !== undefined) throw new CliError(`unexpected argument '${extra}'`);
  const flavor = importFlavor(flags.flavor);
  if (!flags.out && !flags.name)
    throw new CliError("models import needs --name NAME (or --out DIR to write the folder only)");
  const logOnly = (["name", "experiment", "run-id", "alias", "training-data"] as const).find((k) => flags[k]);
  if (flags.out && logOnly) throw new CliError(`--out writes the folder only; --${logOnly} is for logging it`);
  checkRunFlags(flags);
  const inputs = flags["input-example"] ? await exampleInputs(resolve(io.cwd, flags["input-example"])) : undefined;
  const path = resolve(io.cwd, file);
  if (flags.out) {
    const dir = resolve(io.cwd, flags.out);
    await emptyFolder(dir);
    const wrapped = await wrapModelFile(path, flavor, dir, inputs);
    if (flags.json) io.out(JSON.stringify({ out: dir, flavor, data: wrapped.dataFile }, null, 2));
    else io.out(`Wrote the MLflow model folder ${dir} (${flavor} flavor, ${wrapped.dataFile})`);
    return 0;
  }
  const dir = await mkdtemp(join(tmpdir(), "mw-import-"));
  try {
    const wrapped = await wrapModelFile(path, flavor, dir, inputs);
    const conn = await connect();
    try {
      const options: LogModelOptions = {
        ...logOptions(conn, flags, io),
        sourceName: "modelworks models import",
        runName: `import-${basename(path)}`,
        loggedFrom: path,
      };
      const summary = await inspectModelFolder(dir, options.runtimes, options.warn).catch((e: unknown) => {
        const why = (e as Error).message.replaceAll(`'${dir}': `, "").replaceAll(dir, "model");
        throw invalidParam(
          `The ${flavor} model '${file}' cannot be loaded here, so it was not registered: ${why} (--out DIR writes the MLflow folder without loading it).`,
        );
      });
      // MLflow infers a signature from an input example; without one, the model's own feature names serve.
      if (!wrapped.hasSignature && NAMED_FEATURES.has(summary.runtime)) await addSignature(dir, summary.inputs);
      if (!wrapped.hasSignature && summary.runtime === "python") {
        io.err(
          `warning: no --input-example: the model's inputs (${summary.inputs.map((i) => i.name).join(", ")}) are taken as numbers; string columns need --input-example FILE`,
        );
      }
      const res = await logModelFolder(conn, dir, { ...options, summary });
      printResult(res, flags, io);
      return 0;
    } finally {
      await conn.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runtimes whose model files record their feature names (XGBoost, LightGBM). */
const NAMED_FEATURES: ReadonlySet<string> = new Set(["xgboost", "lightgbm"]);

/** A model goes to a new run in --experiment or to the existing --run-id, not both. */
function checkRunFlags(flags: LogFlags): void {
  if (flags.experiment && flags["run-id"])
    throw new CliError("--experiment is for a new run; leave it out with --run-id (the run has its experiment)");
}

function logOptions(conn: Connection, flags: LogFlags, io: CliIo): LogModelOptions {
  const trainingData = flags["training-data"];
  return {
    name: flags.name as string,
    runtimes: runtimesFor(conn, flags, io),
    warn: (m) => io.err(`warning: ${m}`),
    ...(flags.experiment ? { experiment: flags.experiment } : {}),
    ...(flags["run-id"] ? { runId: flags["run-id"] } : {}),
    ...(flags.alias ? { alias: flags.alias } : {}),
    ...(trainingData ? { logTrainingInput: trainingInputLogger(conn, flags, io, trainingData) } : {}),
  };
}

/** The embedded platform's runtimes, or (talking to a server) the same runtimes set up from this environment. */
function runtimesFor(conn: Connection, flags: LogFlags, io: CliIo): readonly ModelRuntime[] {
  return conn.platform?.runtimes ?? modelRuntimes(resolveConfig(flags, io.env, io.cwd).python);
}

/** Records `DATASET[@V]` as the run's training input through the platform API (embedded or remote). */
function trainingInputLogger(conn: Connection, flags: LogFlags, io: CliIo, text: string) {
  const ref = parseDatasetRef(text);
  return async (runId: string) => {
    const req = { name: ref.name, version: String(ref.version ?? "latest"), run_id: runId, context: "training" };
    if (conn.platform) {
      await datasetHandlers(conn.platform.datasets, { tracking: conn.platform.tracking }).logDatasetInput(req);
      return;
    }
    const uri = (flags["tracking-uri"] ?? io.env.MODELWORKS_TRACKING_URI ?? io.env.MLFLOW_TRACKING_URI) as string;
    const api = createPlatformClient({ baseUrl: uri, fetch: fetchWithAuthorization(clientAuthorization(flags, io)) });
    await api.logDatasetInput(req);
  };
}

/** The columns and types of an input example file (CSV or Parquet), as MLflow infers a signature from one. */
async function exampleInputs(path: string): Promise<SignatureInput[]> {
  const table = await readTable(path).catch((e: unknown) => {
    throw invalidParam(`Cannot read the input example '${path}': ${(e as Error).message}`);
  });
  return table.columns.map((c) => ({ name: c.name, type: c.type }));
}

async function emptyFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) throw invalidParam(`--out '${dir}' is not empty.`);
}

function printResult(res: LogModelResult, flags: LogFlags, io: CliIo): void {
  if (flags.json) {
    io.out(JSON.stringify(res, null, 2));
    return;
  }
  const alias = res.alias ? `, ${res.name}@${res.alias}` : "";
  io.out(
    `Registered ${res.name} version ${res.version}${alias} (${res.kind} model, ${res.inputs} inputs, ${res.runtime} runtime; run ${res.run_id})`,
  );
}
