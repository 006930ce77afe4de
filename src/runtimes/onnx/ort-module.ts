/**
 * onnxruntime-node, loaded on first use. It is an optional dependency (about 290 MB of native
 * binaries): when the package or its binary for this platform is missing, loading an ONNX model is
 * refused with a message saying so, and nothing else in the platform notices. Only the few members
 * used here are described, so the code compiles without the package's types.
 */
import { invalidParam } from "../../core/errors.js";

/** A tensor as onnxruntime-node gives and takes it. */
export interface OrtTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

/** What onnxruntime takes as session options (the subset the runtime sets). */
export interface OrtSessionOptions {
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  executionMode?: "sequential" | "parallel";
  graphOptimizationLevel?: "disabled" | "basic" | "extended" | "all";
}

/** An inference session. */
export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>, fetches?: readonly string[]): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/** The module's members the runtime uses. */
export interface OrtModule {
  readonly InferenceSession: {
    create(model: string | Uint8Array, options?: OrtSessionOptions): Promise<OrtSession>;
  };
  readonly Tensor: new (type: string, data: unknown, dims: readonly number[]) => OrtTensor;
}

/** Imports a module by name (swapped in tests to play a missing package). */
export type ModuleImporter = (name: string) => Promise<unknown>;

/** The package name; a variable, so TypeScript does not look for its types. */
const PACKAGE = "onnxruntime-node";

const defaultImporter: ModuleImporter = (name) => import(name);

let cached: Promise<OrtModule> | undefined;

/**
 * The onnxruntime module, imported once per process; INVALID_PARAMETER_VALUE saying how to install
 * it when the package or its native binary cannot be loaded (a failed import is not cached, so
 * installing it later works without a restart).
 */
export function loadOrt(importer: ModuleImporter = defaultImporter): Promise<OrtModule> {
  if (importer !== defaultImporter) return importOrt(importer);
  cached ??= importOrt(importer).catch((e: unknown) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

async function importOrt(importer: ModuleImporter): Promise<OrtModule> {
  let mod: unknown;
  try {
    mod = await importer(PACKAGE);
  } catch (e) {
    throw invalidParam(unavailable(e));
  }
  // A CommonJS package: its exports are the namespace's members, or its default export.
  const ort = (hasSession(mod) ? mod : (mod as { default?: unknown })?.default) as OrtModule | undefined;
  if (!hasSession(ort)) throw invalidParam(unavailable(new Error("the module has no InferenceSession")));
  return ort;
}

function hasSession(m: unknown): m is OrtModule {
  return typeof (m as OrtModule | undefined)?.InferenceSession?.create === "function";
}

function unavailable(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const missing = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
  const why = missing
    ? "an optional package that is not installed here"
    : `which could not be loaded here (${firstLine(e)})`;
  return (
    `ONNX models are run by onnxruntime-node, ${why}. Install it with 'npm install onnxruntime-node' ` +
    "(the project's .npmrc skips its GPU download; its CPU binaries are in the package)."
  );
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split("\n")[0] as string;
}
