/**
 * Resolve a model reference (`NAME@ALIAS` or `NAME/VERSION`) through the registry, copy its
 * package out of the artifact store into a local folder, and load it.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { invalidParam } from "../core/errors.js";
import { readAllBytes } from "../core/fs/read-all.js";
import type { RegistryStore } from "../registry/registry-store.js";
import { loadModelFolder } from "../runtimes/load-model-folder.js";
import { nativeRuntime } from "../runtimes/native/native-runtime.js";
import type { LoadedModel, ModelKind, ModelRuntime } from "../runtimes/runtime.js";
import type { ArtifactStore } from "../tracking/artifacts/artifact-store.js";
import { proxiedPath } from "../tracking/artifacts/proxied-uri.js";

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
  /** Where packages are copied to (one folder per name/version). */
  cacheDir: string;
  /** The runtimes that may load a version, most native first (default: the platform's own packages). */
  runtimes?: readonly ModelRuntime[];
  /** Told about load-time warnings (e.g. requirements that differ from the interpreter's). */
  warn?: (message: string) => void;
}

/** Resolve, fetch and load a model version. */
export async function resolveModel(text: string, deps: ResolverDeps): Promise<ResolvedModel> {
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
  const dir = join(deps.cacheDir, encodeURIComponent(name), version);
  // Each load reads its own fresh copy: replicas sharing a home (and its cache folder) replace the
  // cached copy concurrently, and reading `dir` while another process swaps it failed the load.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  let predictor: LoadedModel | undefined;
  try {
    await fetchPackage(deps.artifacts, storePath(uri), tmp);
    const context = deps.warn ? { warn: deps.warn } : {};
    predictor = await loadModelFolder(tmp, deps.runtimes ?? [nativeRuntime], context, `model ${name}/${version}`);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  const model = predictor;
  if (model.runtime === "native") {
    // Fully in memory: the copy becomes the cache's.
    await installCopy(tmp, dir);
    await rm(tmp, { recursive: true, force: true });
    return { name, version, predictor: model, close: async () => {} };
  }
  // Out-of-process runtimes may read their folder again (a restarted worker): it lives as long as the model.
  const close = async () => {
    await model.close?.();
    await rm(tmp, { recursive: true, force: true });
  };
  return { name, version, predictor: model, close };
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
      const { stream } = await artifacts.get(`${path}/${f.path}`);
      await writeFile(join(dir, f.path), await readAllBytes(stream));
    }
  }
}
