/**
 * Resolve a model reference (`NAME@ALIAS` or `NAME/VERSION` through the registry, or an MLflow 3
 * logged model `models:/m-<id>`), copy its package out of the artifact store into a local folder,
 * and load it. A registered version's copy comes from the local serving cache when the cache
 * holds one matching the version's package digest, else from the store (and must match it too).
 */
import { createWriteStream } from "node:fs";
import { cp, mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { invalidParam, MwError } from "../core/errors.js";
import { loggedModelIdOfSource } from "../registry/model-source.js";
import type { RegistryStore } from "../registry/registry-store.js";
import { loadModelFolder } from "../runtimes/load-model-folder.js";
import { nativeRuntime } from "../runtimes/native/native-runtime.js";
import type { LoadedModel, ModelKind, ModelRuntime } from "../runtimes/runtime.js";
import type { ArtifactStore } from "../tracking/artifacts/artifact-store.js";
import { proxiedPath } from "../tracking/artifacts/proxied-uri.js";
import type { TrackingStore } from "../tracking/tracking-store.js";
import { PACKAGE_DIGEST_TAG, packageDigest } from "./package-digest.js";

/** A parsed model reference. */
export interface ModelRef {
  name: string;
  alias?: string;
  version?: string;
}

/** Parse `NAME@ALIAS` or `NAME/VERSION` (MLflow's `models:/` forms without the scheme). */
export function parseModelRef(text: string): ModelRef {
  const ref = text.startsWith("models:/") ? text.slice("models:/".length) : text;
  const at = ref.lastIndexOf("@");
  if (at > 0) return { name: ref.slice(0, at), alias: ref.slice(at + 1) };
  const slash = ref.lastIndexOf("/");
  if (slash > 0 && /^\d+$/.test(ref.slice(slash + 1)))
    return { name: ref.slice(0, slash), version: ref.slice(slash + 1) };
  throw invalidParam(`Invalid model reference '${text}': expected NAME@ALIAS or NAME/VERSION (e.g. churn@champion).`);
}

/** A loaded model version. */
export interface ResolvedModel {
  name: string;
  version: string;
  alias?: string;
  /** The model, whichever runtime loaded it. */
  predictor: LoadedModel;
  /** Release the model's workers or sessions and its working folder (nothing for in-memory models). */
  close?(): Promise<void>;
}

export interface ResolverDeps {
  registry: RegistryStore;
  artifacts: ArtifactStore;
  /** Finds MLflow 3 logged models (`models:/m-…` references and version sources); without it they are refused. */
  tracking?: Pick<TrackingStore, "getLoggedModel">;
  /** Where packages are copied to (one folder per name/version). */
  cacheDir: string;
  /** The runtimes that may load a version, most native first (default: the platform's own packages). */
  runtimes?: readonly ModelRuntime[];
  /** Told about load-time warnings (e.g. requirements that differ from the interpreter's). */
  warn?: (message: string) => void;
}

/** The logged model id a reference names (`models:/m-<id>` or `m-<id>`), if it names one. */
export function loggedModelRef(text: string): string | undefined {
  return loggedModelIdOfSource(text) ?? (LOGGED_MODEL_ID.test(text) ? text.toLowerCase() : undefined);
}

/** Check a reference's form without looking anything up (a registry reference or a logged model id). */
export function checkModelRef(text: string): void {
  if (loggedModelRef(text) === undefined) parseModelRef(text);
}

/** Resolve, fetch and load a model version, or a logged model named by id (then `name` is its id, `version` empty). */
export async function resolveModel(text: string, deps: ResolverDeps): Promise<ResolvedModel> {
  const loggedId = loggedModelRef(text);
  if (loggedId) {
    const path = await loggedModelPath(loggedId, deps);
    const model = await loadPackage(
      (tmp) => fetchPackage(deps.artifacts, path, tmp),
      join(deps.cacheDir, "logged-models", loggedId),
      `logged model ${loggedId}`,
      deps,
    );
    return { name: loggedId, version: "", ...model };
  }
  const ref = parseModelRef(text);
  const version = await lookupVersion(ref, deps.registry);
  const model = await loadVersion(ref.name, version, deps);
  return ref.alias ? { ...model, alias: ref.alias } : model;
}

/** The kind of the model a reference names: loaded once, then let go of. */
export async function loadedKind(text: string, deps: ResolverDeps): Promise<ModelKind> {
  const model = await resolveModel(text, deps);
  try {
    return model.predictor.kind;
  } finally {
    await model.close?.();
  }
}

/** The version a reference names now (an alias is looked up; a version is checked to exist). */
export async function lookupVersion(ref: ModelRef, registry: RegistryStore): Promise<string> {
  const mv = ref.alias
    ? await registry.getModelVersionByAlias({ name: ref.name, alias: ref.alias })
    : await registry.getModelVersion({ name: ref.name, version: ref.version as string });
  return mv.version;
}

/** Fetch a version's package into the cache folder and load it. */
export async function loadVersion(name: string, version: string, deps: ResolverDeps): Promise<ResolvedModel> {
  const uri = await deps.registry.getModelVersionDownloadUri({ name, version });
  // A version registered from a logged model may name it (`models:/m-…`) rather than its folder.
  const loggedId = loggedModelIdOfSource(uri);
  const path = loggedId ? await loggedModelPath(loggedId, deps) : storePath(uri);
  const dir = join(deps.cacheDir, encodeURIComponent(name), version);
  const fill = (tmp: string) => fillVerified({ name, version }, path, dir, tmp, deps);
  return { name, version, ...(await loadPackage(fill, dir, `model ${name}/${version}`, deps)) };
}

/**
 * Put version `v`'s package into `tmp`: the cache's copy when it matches the recorded digest,
 * else the store's. A cache copy that does not match is dropped and fetched again; a store copy
 * that does not match is refused. Without a recorded digest, the store's copy's is recorded.
 */
async function fillVerified(
  v: { name: string; version: string },
  path: string,
  dir: string,
  tmp: string,
  deps: ResolverDeps,
): Promise<void> {
  const mv = await deps.registry.getModelVersion(v);
  const expected = mv.tags?.find((t) => t.key === PACKAGE_DIGEST_TAG)?.value;
  if (expected && (await fromCache(dir, tmp, expected, `${v.name}/${v.version}`, deps))) return;
  await fetchPackage(deps.artifacts, path, tmp);
  const got = await packageDigest(tmp);
  if (!expected) {
    await deps.registry.setModelVersionTag({ ...v, key: PACKAGE_DIGEST_TAG, value: got });
  } else if (got !== expected) {
    throw new MwError(
      "INVALID_STATE",
      `Model ${v.name}/${v.version} in the artifact store does not match its recorded package digest (${expected}, found ${got}); refusing to load it.`,
    );
  }
}

/** Copy the cached package at `dir` into `tmp` if it matches `expected`; a mismatching copy is removed. */
async function fromCache(dir: string, tmp: string, expected: string, label: string, deps: ResolverDeps) {
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) return false;
  // The copy is checked, not the cache folder: another load may replace that folder meanwhile (then
  // the copy fails or holds a mix of two copies of one package, and the store's copy is fetched).
  const copied = await cp(dir, tmp, { recursive: true }).then(
    () => true,
    () => false,
  );
  if (!copied) {
    await rm(tmp, { recursive: true, force: true });
    return false;
  }
  if ((await packageDigest(tmp)) === expected) return true;
  deps.warn?.(`the serving cache's copy of ${label} does not match its package digest; fetching it again`);
  await rm(tmp, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
  return false;
}

const LOGGED_MODEL_ID = /^m-[0-9a-f]{32}$/i;

/** Where a logged model's files are in the store. */
async function loggedModelPath(id: string, deps: ResolverDeps): Promise<string> {
  if (!deps.tracking) throw invalidParam(`Logged model '${id}' cannot be resolved here (no tracking store).`);
  const { info } = await deps.tracking.getLoggedModel(id);
  return storePath(info.artifact_uri);
}

/** Fill a fresh folder next to `dir` (the cache's copy) with `fill` and load it. */
async function loadPackage(
  fill: (tmp: string) => Promise<void>,
  dir: string,
  label: string,
  deps: ResolverDeps,
): Promise<Pick<ResolvedModel, "predictor" | "close">> {
  // Each load reads its own fresh copy: replicas sharing a home (and its cache folder) replace the
  // cached copy concurrently, and reading `dir` while another process swaps it failed the load.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  let predictor: LoadedModel | undefined;
  try {
    await fill(tmp);
    const context = deps.warn ? { warn: deps.warn } : {};
    predictor = await loadModelFolder(tmp, deps.runtimes ?? [nativeRuntime], context, label);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  const model = predictor;
  if (model.runtime === "native") {
    // Fully in memory: the copy becomes the cache's.
    await installCopy(tmp, dir);
    await rm(tmp, { recursive: true, force: true });
    return { predictor: model, close: async () => {} };
  }
  // Out-of-process runtimes may read their folder again (a restarted worker): it lives as long as the
  // model, and the cache gets a copy of its own.
  const staging = `${tmp}.cache`;
  await cp(tmp, staging, { recursive: true })
    .then(() => installCopy(staging, dir))
    .finally(() => rm(staging, { recursive: true, force: true }))
    .catch(() => {});
  const close = async () => {
    await model.close?.();
    await rm(tmp, { recursive: true, force: true });
  };
  return { predictor: model, close };
}

/** Make `tmp` the cached copy at `dir` (best effort: another process may be doing the same). */
async function installCopy(tmp: string, dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch {
    // Another process installed its copy first; ours is removed by the caller.
  }
}

function storePath(uri: string): string {
  const path = proxiedPath(uri);
  if (path === undefined) throw invalidParam(`Model source '${uri}' is not in this platform's artifact store.`);
  return path;
}

/** Copy a model folder (with its subfolders, e.g. MLflow's `metadata/`) into the new folder `dir`. */
async function fetchPackage(artifacts: ArtifactStore, path: string, dir: string): Promise<void> {
  const files = await artifacts.list(path);
  if (!files.some((f) => f.path === "MLmodel" && !f.is_dir))
    throw invalidParam(`No model package at '${path}' (MLmodel is missing).`);
  await copyFolder(artifacts, path, dir, files);
}

async function copyFolder(
  artifacts: ArtifactStore,
  path: string,
  dir: string,
  files: Awaited<ReturnType<ArtifactStore["list"]>>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of files) {
    // Listing names are basenames checked by the store; nothing here climbs out of `dir`.
    if (f.is_dir)
      await copyFolder(artifacts, `${path}/${f.path}`, join(dir, f.path), await artifacts.list(`${path}/${f.path}`));
    else {
      // Streamed to disk: a large model file is never held in memory whole.
      const { stream } = await artifacts.get(`${path}/${f.path}`);
      await pipeline(stream, createWriteStream(join(dir, f.path)));
    }
  }
}
