/**
 * `modelworks models log DIR --name NAME`: upload an MLflow model folder of any flavor into a run
 * (as `mlflow.<flavor>.log_model` does: the files under the run's `model/` artifact folder, the
 * `runs/log-model` record) and register it. The folder is loaded with the platform's runtimes
 * first, so a model nothing here can serve is refused before anything is written.
 */
import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { parseDocument, parse as parseYaml } from "yaml";
import type { KeyValue } from "../../core/api/mlflow-entities.js";
import { invalidParam } from "../../core/errors.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import { loadModelFolder } from "../../runtimes/load-model-folder.js";
import type { ModelKind, ModelRuntime, RuntimeName } from "../../runtimes/runtime.js";
import type { Connection } from "../cli-context.js";
import { artifactRoot, experimentFor, register } from "./training-run.js";

/** What loading a folder showed about its model. */
export interface ModelSummary {
  runtime: RuntimeName;
  kind: ModelKind;
  inputs: SignatureInput[];
  classes?: string[];
}

/** The `models log --json` answer. */
export interface LogModelResult {
  run_id: string;
  name: string;
  version: string;
  source: string;
  runtime: RuntimeName;
  kind: ModelKind;
  inputs: number;
  alias?: string;
}

export interface LogModelOptions {
  name: string;
  /** Experiment of the new run (default: Default); ignored with `runId`. */
  experiment?: string;
  /** Log into this existing run instead of a new one (its status is left alone). */
  runId?: string;
  /** Point this alias of the model at the new version. */
  alias?: string;
  runtimes: readonly ModelRuntime[];
  warn?: (message: string) => void;
  /** What made the run (its `mlflow.source.name`), its name and the path it records; default: this folder. */
  sourceName?: string;
  runName?: string;
  loggedFrom?: string;
  /** Record the training data on the run (so monitors can build a drift reference from it). */
  logTrainingInput?: (runId: string) => Promise<void>;
  /** The folder was already loaded (e.g. by `models import`): skip the second load. */
  summary?: ModelSummary;
}

const ARTIFACT_PATH = "model";

/** Load the model in `dir` with `runtimes` (most native first), describe it and release it. */
export async function inspectModelFolder(
  dir: string,
  runtimes: readonly ModelRuntime[],
  warn?: (message: string) => void,
): Promise<ModelSummary> {
  const model = await loadModelFolder(dir, runtimes, warn ? { warn } : {});
  try {
    return {
      runtime: model.runtime,
      kind: model.kind,
      inputs: [...model.signature.inputs],
      ...(model.classes ? { classes: [...model.classes] } : {}),
    };
  } finally {
    await model.close?.();
  }
}

/** Check, upload and register the folder `dir`; the run ends FAILED when a new run's logging fails. */
export async function logModelFolder(conn: Connection, dir: string, o: LogModelOptions): Promise<LogModelResult> {
  const folder = resolve(dir);
  const found = await stat(folder).catch(() => undefined);
  if (!found) throw invalidParam(`Model folder '${dir}' does not exist.`);
  if (!found.isDirectory()) throw invalidParam(`'${dir}' is not a folder: models log takes an MLflow model folder.`);
  const summary = o.summary ?? (await inspectModelFolder(folder, o.runtimes, o.warn));
  const files = await folderFiles(folder);
  const api = conn.api;
  const run = o.runId ? await existingRun(conn, o.runId) : await newRun(conn, folder, o);
  const runId = run.info.run_id;
  try {
    const root = artifactRoot(run.info.artifact_uri);
    const manifest = await readFile(join(folder, "MLmodel"), "utf8");
    const rewritten = withRun(manifest, runId);
    for (const file of files) {
      const target = `${root}/${ARTIFACT_PATH}/${file}`;
      // MLflow writes the run into MLmodel (and its copy under metadata/) when it logs a model.
      if (file === "MLmodel" || file === "metadata/MLmodel")
        await conn.artifacts.put(target, Readable.from([Buffer.from(rewritten)]));
      else await conn.artifacts.put(target, createReadStream(join(folder, file)));
    }
    await api.logModel({ run_id: runId, model_json: JSON.stringify(logModelRecord(rewritten)) });
    await o.logTrainingInput?.(runId);
    const version = await register(api, o.name, run.info.artifact_uri, runId);
    if (o.alias) await api.setRegisteredModelAlias({ name: o.name, alias: o.alias, version: version.version });
    if (!o.runId) await api.updateRun({ run_id: runId, status: "FINISHED", end_time: Date.now() });
    return {
      run_id: runId,
      ...version,
      source: `${run.info.artifact_uri}/${ARTIFACT_PATH}`,
      runtime: summary.runtime,
      kind: summary.kind,
      inputs: summary.inputs.length,
      ...(o.alias ? { alias: o.alias } : {}),
    };
  } catch (e) {
    if (!o.runId) await api.updateRun({ run_id: runId, status: "FAILED", end_time: Date.now() }).catch(() => {});
    throw e;
  }
}

async function newRun(conn: Connection, folder: string, o: LogModelOptions) {
  const tags: KeyValue[] = [
    { key: "mlflow.source.name", value: o.sourceName ?? "modelworks models log" },
    { key: "modelworks.logged_from", value: o.loggedFrom ?? folder },
  ];
  const experimentId = await experimentFor(conn.api, o.experiment);
  const { run } = await conn.api.createRun({
    experiment_id: experimentId,
    run_name: o.runName ?? `log-${basename(folder)}`,
    start_time: Date.now(),
    tags,
  });
  return run;
}

/** A live run that has no model at `model/` yet (a registered version may point at one). */
async function existingRun(conn: Connection, runId: string) {
  const { run } = await conn.api.getRun({ run_id: runId });
  if (run.info.lifecycle_stage === "deleted") throw invalidParam(`Run '${runId}' is deleted.`);
  const root = artifactRoot(run.info.artifact_uri);
  if (await conn.artifacts.stat(`${root}/${ARTIFACT_PATH}/MLmodel`)) {
    throw invalidParam(
      `Run '${runId}' already has a model at '${ARTIFACT_PATH}'; log into a new run (leave out --run-id).`,
    );
  }
  return run;
}

/** The folder's files, relative, with '/' separators (subfolders such as MLflow's `metadata/` included). */
export async function folderFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    // Symbolic links are followed: the folder is the user's own, read on their machine.
    const info = entry.isSymbolicLink() ? await stat(join(dir, rel)) : entry;
    if (info.isDirectory()) out.push(...(await folderFiles(dir, rel)));
    else if (info.isFile()) out.push(rel);
    else throw invalidParam(`'${join(dir, rel)}' is neither a file nor a folder.`);
  }
  return out.sort();
}

/** MLmodel text with this run's id and artifact path, the rest as written. */
export function withRun(text: string, runId: string): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw invalidParam(`MLmodel is not valid YAML: ${doc.errors[0]?.message}`);
  doc.set("run_id", runId);
  doc.set("artifact_path", ARTIFACT_PATH);
  if (!doc.has("utc_time_created")) doc.set("utc_time_created", new Date().toISOString());
  return doc.toString();
}

/** What MLflow's clients send to `runs/log-model`: the MLmodel document without its signature and input example. */
function logModelRecord(mlmodel: string): Record<string, unknown> {
  const doc = parseYaml(mlmodel) as Record<string, unknown>;
  const { signature: _s, saved_input_example_info: _e, ...record } = doc;
  return record;
}
