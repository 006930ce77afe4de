/**
 * Which sources a model version may be created from through the API: only model packages inside
 * this platform's artifact store. Serving loads whatever a version points at, so a source a
 * client could point anywhere (another host, a server folder) would let it choose the code served.
 *
 * Accepted, each naming a folder that holds `MLmodel`:
 * - `mlflow-artifacts:/PATH` (any authority is ignored, as MLflow clients resolve it to this server);
 * - `runs:/RUN_ID/PATH` of an existing run whose artifacts are in the store;
 * - a `file:` URI or plain absolute path inside the store's folder, only with `run_id` and only
 *   inside that run's artifact folder (MLflow's `_validate_source_run` rule, narrowed to the store);
 * - `models:/m-<32 hex>`, an existing logged model (MLflow 3) whose artifacts are in the store.
 * Anything else (`s3://`, `http(s)://`, `models:/NAME/VERSION`, other folders) is INVALID_PARAMETER_VALUE
 * naming `source`. A `model_id` (MLflow 3) must name an existing logged model, the one the source names if any.
 */
import { realpath } from "node:fs/promises";
import { isAbsolute, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { LoggedModelInfo } from "../core/api/logged-model-entities.js";
import { invalidParam, isMwError, type MwError } from "../core/errors.js";
import type { ArtifactStore } from "../tracking/artifacts/artifact-store.js";
import { proxiedPath } from "../tracking/artifacts/proxied-uri.js";
import { normalizeArtifactPath } from "../tracking/artifacts/safe-path.js";
import type { TrackingStore } from "../tracking/tracking-store.js";
import { validateSource } from "./validation.js";

/** What judging a source needs. */
export interface ModelSourceDeps {
  tracking: Pick<TrackingStore, "getRun" | "getLoggedModel">;
  artifacts: Pick<ArtifactStore, "stat">;
  /** The store's folder when it is a local one; `file:` sources are refused without it. */
  localRoot?: string;
}

/** The artifact-store path a location names (`mlflow-artifacts:/0/r/artifacts/model` → `0/r/artifacts/model`), if any. */
export function storePathOf(uri: string): string | undefined {
  const raw = proxiedPath(uri);
  if (raw === undefined) return undefined;
  try {
    const path = normalizeArtifactPath(raw);
    return path === "" ? undefined : path;
  } catch {
    return undefined;
  }
}

/** The logged model id a `models:/m-<32 hex>` source names (MLflow 3's `models:/<model_id>`), if it is one. */
export function loggedModelIdOfSource(source: string): string | undefined {
  return /^models:\/+(m-[0-9a-f]{32})\/?$/i.exec(source)?.[1]?.toLowerCase();
}

/** What a checked source records on the version. */
export interface CheckedSource {
  /** The canonical `mlflow-artifacts:/PATH` of the package folder. */
  storageLocation: string;
  /** The logged model the version is created from (named by `model_id` or the source). */
  modelId?: string;
  /** `run_id` as given, else the logged model's source run. */
  runId?: string;
}

/**
 * Check a source for `model-versions/create` (with its `run_id` and MLflow 3's `model_id`); returns
 * what to record, or throws INVALID_PARAMETER_VALUE naming `source` (or `model_id`).
 */
export async function checkModelSource(
  source: string,
  runId: string | undefined,
  deps: ModelSourceDeps,
  modelId?: string,
): Promise<CheckedSource> {
  validateSource(source);
  const named = loggedModelIdOfSource(source);
  if (named && modelId && named !== modelId)
    throw badSource(source, `it names logged model '${named}' but 'model_id' is '${modelId}'`);
  const logged = named || modelId ? await loggedModelOf(source, (named ?? modelId) as string, deps) : undefined;
  const run = runId || logged?.source_run_id || undefined;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(source)?.[1]?.toLowerCase();
  let path: string;
  if (named && logged) path = loggedModelPath(source, logged);
  else if (scheme === "mlflow-artifacts") path = requireStorePath(source, source);
  else if (scheme === "runs") path = await runsPath(source, deps);
  else if (scheme === "file" || (scheme === undefined && isAbsolute(source))) path = await localPath(source, run, deps);
  else throw badSource(source, EXPECTED);
  await requirePackage(source, path, deps);
  return {
    storageLocation: `mlflow-artifacts:/${path}`,
    ...(logged ? { modelId: logged.model_id } : {}),
    ...(run ? { runId: run } : {}),
  };
}

/** The logged model a version is created from: it must exist and its upload must not have failed. */
async function loggedModelOf(source: string, id: string, deps: ModelSourceDeps): Promise<LoggedModelInfo> {
  let info: LoggedModelInfo;
  try {
    info = (await deps.tracking.getLoggedModel(id)).info;
  } catch (e) {
    if (!isMwError(e) || e.code !== "RESOURCE_DOES_NOT_EXIST") throw e;
    const why = `logged model '${id}' does not exist`;
    throw loggedModelIdOfSource(source)
      ? badSource(source, why)
      : invalidParam(`Invalid value for 'model_id': ${why}.`);
  }
  if (info.status === "LOGGED_MODEL_UPLOAD_FAILED")
    throw badSource(source, `the upload of logged model '${id}' failed (status LOGGED_MODEL_UPLOAD_FAILED)`);
  return info;
}

/** A logged model's artifact folder, when it is in the store. */
function loggedModelPath(source: string, info: LoggedModelInfo): string {
  const path = storePathOf(info.artifact_uri);
  if (path === undefined)
    throw badSource(source, `the artifacts of logged model '${info.model_id}' are not in this server's artifact store`);
  return path;
}

const EXPECTED =
  "expected a model folder in this server's artifact store (mlflow-artifacts:/PATH, runs:/RUN_ID/PATH, " +
  "models:/<logged model id>, or a file: path inside the artifact folder of the run given as 'run_id')";

function badSource(source: string, why: string): MwError {
  const shown = source.length > 300 ? `${source.slice(0, 300)}…` : source;
  return invalidParam(`Invalid value '${shown}' for parameter 'source': ${why}.`);
}

function requireStorePath(source: string, uri: string): string {
  const path = storePathOf(uri);
  if (path === undefined) throw badSource(source, EXPECTED);
  return path;
}

/** `runs:/RUN_ID/PATH` → the run's artifact folder + PATH, when the run's artifacts are in the store. */
async function runsPath(source: string, deps: ModelSourceDeps): Promise<string> {
  const m = /^runs:\/+([^/]+)(?:\/(.*))?$/i.exec(source);
  if (!m) throw badSource(source, "expected runs:/RUN_ID/PATH");
  const artifactUri = await runArtifactUri(source, m[1] as string, deps);
  const base = storePathOf(artifactUri);
  if (base === undefined) throw badSource(source, "the run's artifacts are not in this server's artifact store");
  const sub = m[2] ? safeRelative(source, m[2]) : "";
  return sub ? `${base}/${sub}` : base;
}

/** A local path: inside the store's folder, and inside the artifact folder of the run named by `run_id`. */
async function localPath(source: string, runId: string | undefined, deps: ModelSourceDeps): Promise<string> {
  // One message for every local failure: it must not tell which server paths exist.
  const refuse = () =>
    badSource(source, "a local path is accepted only inside the artifact folder of the run given as 'run_id'");
  if (!runId || !deps.localRoot) throw refuse();
  let abs: string;
  try {
    abs = source.toLowerCase().startsWith("file:") ? fileURLToPath(source) : source;
  } catch {
    throw refuse();
  }
  const root = await realpath(deps.localRoot).catch(() => undefined);
  if (root === undefined || !inside(deps.localRoot, abs, root)) throw refuse();
  const real = await realpath(abs).catch(() => undefined);
  if (real === undefined || !isUnder(root, real)) throw refuse();
  const path = relative(root, real).split(sep).join("/");
  const runBase = storePathOf(await runArtifactUri(source, runId, deps).catch(() => ""));
  if (runBase === undefined || !(path === runBase || path.startsWith(`${runBase}/`))) throw refuse();
  return path;
}

/** True when `abs` lies under the configured root or its real path (checked before touching `abs`). */
function inside(configured: string, abs: string, real: string): boolean {
  return isUnder(configured, abs) || isUnder(real, abs);
}

function isUnder(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

async function runArtifactUri(source: string, runId: string, deps: ModelSourceDeps): Promise<string> {
  try {
    return (await deps.tracking.getRun(runId)).info.artifact_uri;
  } catch (e) {
    if (isMwError(e) && e.code === "RESOURCE_DOES_NOT_EXIST") throw badSource(source, `run '${runId}' does not exist`);
    throw e;
  }
}

function safeRelative(source: string, path: string): string {
  try {
    return normalizeArtifactPath(path);
  } catch {
    throw badSource(source, EXPECTED);
  }
}

/** The folder must hold a model package: serving needs `MLmodel`, and it keeps versions off bare folders. */
async function requirePackage(source: string, path: string, deps: ModelSourceDeps): Promise<void> {
  const manifest = await deps.artifacts.stat(`${path}/MLmodel`).catch(() => undefined);
  if (!manifest || manifest.is_dir) {
    throw badSource(source, `no model package at '${path}' in the artifact store (MLmodel is missing)`);
  }
}
