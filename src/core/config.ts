/** Platform configuration, resolved once at the edge (CLI) and passed inward. */
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { invalidParam } from "./errors.js";
import type { S3Settings } from "./s3/s3-location.js";
import { isS3Uri, s3SettingsFromEnv } from "./s3/s3-location.js";

export interface PlatformConfig {
  /** The embedded storage folder (`MODELWORKS_HOME`, default `./.modelworks`). */
  home: string;
  /** Metadata store URI: `sqlite:///...` or `postgresql://...`. */
  storeUri: string;
  /** Artifact root: a folder path, `file://` URI or `s3://bucket/prefix`. */
  artifactsUri: string;
  /** Dataset objects: a folder or `s3://bucket/prefix` (MODELWORKS_OBJECTS_URI, default `HOME/objects`). */
  objectsUri: string;
  /** How to reach S3 (the usual AWS variables), when an `s3://` location is configured. */
  s3?: S3Settings;
  /** Folders clients may name server-side files under (`--data-root`, MODELWORKS_DATA_ROOTS); none by default. */
  dataRoots: string[];
  /**
   * Longest a request may wait on the metadata database, in milliseconds: for a statement, or a
   * transaction's start, the wait for a connection or a lock included (MODELWORKS_DB_TIMEOUT in
   * seconds; default 10 s).
   */
  dbTimeoutMs: number;
  /** The online feature store: `sqlite:PATH` (default `<home>/online-store.db`) or `redis://...` (MODELWORKS_ONLINE_STORE). */
  onlineStoreUri: string;
  /** How Python-flavored models are run: the interpreter (MODELWORKS_PYTHON) and workers per model (MODELWORKS_PYTHON_WORKERS). */
  python: { python?: string; workers?: number };
  /**
   * Remote model endpoints' bearer tokens: the `MODELWORKS_REMOTE_TOKEN_*` variables, by name (a
   * remote model version names its variable; no other variable can be sent to an endpoint).
   */
  remoteTokens: Record<string, string>;
}

/** Resolve the configuration from flags, then environment, then defaults. */
export function resolveConfig(
  flags: { home?: string; store?: string; artifacts?: string; "data-root"?: string[]; "online-store"?: string },
  env: NodeJS.ProcessEnv,
  cwd: string,
): PlatformConfig {
  const homeRaw = flags.home ?? env.MODELWORKS_HOME ?? ".modelworks";
  const home = isAbsolute(homeRaw) ? homeRaw : resolve(cwd, homeRaw);
  const artifactsUri = flags.artifacts ?? env.MODELWORKS_ARTIFACTS_URI ?? join(home, "artifacts");
  const objectsUri = env.MODELWORKS_OBJECTS_URI || join(home, "objects");
  return {
    home,
    storeUri: flags.store ?? env.MODELWORKS_STORE_URI ?? `sqlite:///${join(home, "modelworks.db")}`,
    artifactsUri,
    objectsUri,
    ...(isS3Uri(artifactsUri) || isS3Uri(objectsUri) ? { s3: s3SettingsFromEnv(env) } : {}),
    dataRoots: dataRootsFrom(flags["data-root"], env.MODELWORKS_DATA_ROOTS).map((d) => resolve(cwd, d)),
    dbTimeoutMs: dbTimeoutFrom(env.MODELWORKS_DB_TIMEOUT),
    onlineStoreUri: flags["online-store"] || env.MODELWORKS_ONLINE_STORE || `sqlite:${join(home, "online-store.db")}`,
    python: pythonFrom(env),
    remoteTokens: remoteTokensFrom(env),
  };
}

/** The environment's MODELWORKS_REMOTE_TOKEN_* variables (empty ones left out). */
export function remoteTokensFrom(env: NodeJS.ProcessEnv): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith("MODELWORKS_REMOTE_TOKEN_") && value) tokens[name] = value;
  }
  return tokens;
}

/** Folders from `--data-root` flags, else from the path-delimiter separated MODELWORKS_DATA_ROOTS. */
function dataRootsFrom(flags: readonly string[] | undefined, envValue: string | undefined): string[] {
  if (flags?.length) return flags.filter((d) => d !== "");
  return (envValue ?? "").split(delimiter).filter((d) => d !== "");
}

/** MODELWORKS_DB_TIMEOUT (seconds, 0.1–3600) in milliseconds; 10 s when unset. */
function dbTimeoutFrom(text: string | undefined): number {
  if (text === undefined || text === "") return 10_000;
  const s = Number(text);
  if (!Number.isFinite(s) || s < 0.1 || s > 3600)
    throw invalidParam(`Invalid value for MODELWORKS_DB_TIMEOUT: expected seconds from 0.1 to 3600, got '${text}'.`);
  return Math.round(s * 1000);
}

/** MODELWORKS_PYTHON (an interpreter) and MODELWORKS_PYTHON_WORKERS (1–64); unset keeps the runtime's defaults. */
function pythonFrom(env: NodeJS.ProcessEnv): PlatformConfig["python"] {
  const python = env.MODELWORKS_PYTHON;
  const text = env.MODELWORKS_PYTHON_WORKERS;
  const out: PlatformConfig["python"] = python ? { python } : {};
  if (text === undefined || text === "") return out;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw invalidParam(`Invalid value for MODELWORKS_PYTHON_WORKERS: expected an integer from 1 to 64, got '${text}'.`);
  return { ...out, workers: n };
}
