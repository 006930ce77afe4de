/**
 * Which sources a model version may be created from through the API: only model packages inside
 * this platform's artifact store. Serving loads whatever a version points at, so a source a
 * client could point anywhere (another host, a server folder) would let it choose the code served.
 *
 * Accepted, each naming a folder that holds `MLmodel`:
 * - `mlflow-artifacts:/PATH` (any authority is ignored, as MLflow clients resolve it to this server);
 * - `runs:/RUN_ID/PATH` of an existing run whose artifacts are in the store;
 * - a `file:` URI or plain absolute path inside the store's folder, only with `run_id` and only
 *   inside that run's artifact folder (MLflow's `_validate_source_run` rule, narrowed to the store).
 * Anything else (`s3://`, `http(s)://`, `models:/`, other folders) is INVALID_PARAMETER_VALUE naming `source`.
 */
import { realpath } from "node:fs/promises";
import { isAbsolute, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { invalidParam, isMwError, type MwError } from "../core/errors.js";
import type { ArtifactStore } from "../tracking/artifacts/artifact-store.js";
import { proxiedPath } from "../tracking/artifacts/proxied-uri.js";
import { normalizeArtifactPath } from "../tracking/artifacts/safe-path.js";
import type { TrackingStore } from "../tracking/tracking-store.js";
import { validateSource } from "./validation.js";

/** What judging a source needs. */
export interface ModelSourceDeps {
  tracking: Pick<TrackingStore, "getRun">;
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

/**
 * Check a source for `model-versions/create`; returns the storage location to record (the canonical
 * `mlflow-artifacts:/PATH` of the package folder) or throws INVALID_PARAMETER_VALUE naming `source`.
 */
export async function checkModelSource(source: string, runId: string | undefined, deps: ModelSourceDeps) {
  validateSource(source);
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(source)?.[1]?.toLowerCase();
  let path: string;
  if (scheme === "mlflow-artifacts") path = requireStorePath(source, source);
  else if (scheme === "runs") path = await runsPath(source, deps);
  else if (scheme === "file" || (scheme === undefined && isAbsolute(source)))
    path = await localPath(source, runId, deps);
  else throw badSource(source, EXPECTED);
  await requirePackage(source, path, deps);
  return { storageLocation: `mlflow-artifacts:/${path}` };
}

const EXPECTED =
  "expected a model folder in this server's artifact store (mlflow-artifacts:/PATH, runs:/RUN_ID/PATH, " +
  "or a file: path inside the artifact folder of the run given as 'run_id')";

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
