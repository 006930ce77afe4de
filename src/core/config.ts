/** Platform configuration, resolved once at the edge (CLI) and passed inward. */
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { invalidParam } from "./errors.js";

export interface PlatformConfig {
  /** The embedded storage folder (`MODELWORKS_HOME`, default `./.modelworks`). */
  home: string;
  /** Metadata store URI: `sqlite:///...` or `postgresql://...`. */
  storeUri: string;
  /** Artifact root: a folder path or `file://` URI. */
  artifactsUri: string;
  /** Folders clients may name server-side files under (`--data-root`, MODELWORKS_DATA_ROOTS); none by default. */
  dataRoots: string[];
  /**
   * Longest a request may wait on the metadata database, in milliseconds: for a statement, or a
   * transaction's start, the wait for a connection or a lock included (MODELWORKS_DB_TIMEOUT in
   * seconds; default 10 s).
   */
  dbTimeoutMs: number;
}

/** Resolve the configuration from flags, then environment, then defaults. */
export function resolveConfig(
  flags: { home?: string; store?: string; artifacts?: string; "data-root"?: string[] },
  env: NodeJS.ProcessEnv,
  cwd: string,
): PlatformConfig {
  const homeRaw = flags.home ?? env.MODELWORKS_HOME ?? ".modelworks";
  const home = isAbsolute(homeRaw) ? homeRaw : resolve(cwd, homeRaw);
  return {
    home,
    storeUri: flags.store ?? env.MODELWORKS_STORE_URI ?? `sqlite:///${join(home, "modelworks.db")}`,
    artifactsUri: flags.artifacts ?? env.MODELWORKS_ARTIFACTS_URI ?? join(home, "artifacts"),
    dataRoots: dataRootsFrom(flags["data-root"], env.MODELWORKS_DATA_ROOTS).map((d) => resolve(cwd, d)),
    dbTimeoutMs: dbTimeoutFrom(env.MODELWORKS_DB_TIMEOUT),
  };
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
