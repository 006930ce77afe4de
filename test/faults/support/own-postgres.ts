/**
 * A PostgreSQL instance a test starts for itself (scripts/ci/postgres.sh), so it may stop and start
 * it as a crash, a restart or a failover would, without disturbing the instance other tests share.
 */
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const SCRIPT = fileURLToPath(new URL("../../../scripts/ci/postgres.sh", import.meta.url));
const run = promisify(execFile);

export interface OwnPostgres {
  /** `postgresql://postgres@127.0.0.1:PORT/postgres`. */
  uri: string;
  /** `pg_ctl stop -m MODE`; resolves once the server is down. */
  halt(mode: "fast" | "immediate"): Promise<void>;
  /** Start it again on the same port; resolves once it accepts connections. */
  resume(): Promise<void>;
  /** Stop it for good and remove its folder. */
  remove(): Promise<void>;
}

/** Why this process cannot run a PostgreSQL of its own, or false when it can. */
export function ownPostgresSkipReason(env: NodeJS.ProcessEnv = process.env): string | false {
  if (!env.MODELWORKS_TEST_POSTGRES_URI) return "MODELWORKS_TEST_POSTGRES_URI is not set";
  let versions: string[] = [];
  try {
    versions = readdirSync("/usr/lib/postgresql");
  } catch {
    // not installed
  }
  if (versions.length === 0) return "PostgreSQL binaries are not installed (/usr/lib/postgresql/*/bin)";
  if (process.getuid?.() !== 0 && userInfo().username !== "postgres")
    return "starting and stopping a PostgreSQL server needs root or user postgres";
  return false;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/**
 * A free loopback port: from MODELWORKS_TEST_POSTGRES_PORTS ("FROM-TO", for machines where
 * workers share port ranges) when set, otherwise any the system hands out.
 */
async function freePort(env: NodeJS.ProcessEnv): Promise<number> {
  const range = env.MODELWORKS_TEST_POSTGRES_PORTS;
  if (range) {
    const [from, to] = range.split("-").map(Number) as [number, number];
    for (let p = from; p <= (to ?? from); p++) if (await portIsFree(p)) return p;
    throw new Error(`no free port in MODELWORKS_TEST_POSTGRES_PORTS=${range}`);
  }
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Start a fresh PostgreSQL in a temporary folder on a free loopback port. */
export async function startOwnPostgres(env: NodeJS.ProcessEnv = process.env): Promise<OwnPostgres> {
  // The server runs as user postgres: the script gives it this folder.
  const dir = await mkdtemp(join(tmpdir(), "mw-own-pg-"));
  const script = async (...args: string[]) => (await run("bash", [SCRIPT, ...args])).stdout.trim();
  let uri: string;
  try {
    uri = await script("start", dir, String(await freePort(env)));
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    uri,
    halt: async (mode) => {
      await script("halt", dir, mode);
    },
    resume: async () => {
      await script("resume", dir);
    },
    remove: async () => {
      await script("stop", dir).catch(() => "");
      await rm(dir, { recursive: true, force: true });
    },
  };
}
