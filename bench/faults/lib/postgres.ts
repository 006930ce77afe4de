/**
 * The bench's own PostgreSQL, through scripts/ci/postgres.sh (start, stop, halt fast|immediate,
 * resume), and the admin connections that inject faults and read the store back.
 */
import { execFile, execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { REPO_ROOT } from "../../serving/lib/paths.js";

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, "scripts", "ci", "postgres.sh");

/** A running PostgreSQL that this bench started. */
export interface BenchPostgres {
  dir: string;
  /** `postgresql://postgres@127.0.0.1:PORT/postgres` */
  adminUri: string;
  /** The URI of database `name` on this server. */
  uriOf(name: string): string;
  /** `pg_ctl stop -m MODE` (as a crash or failover would), then {@link resume}. */
  halt(mode: "fast" | "immediate"): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** Why this machine cannot run the PostgreSQL faults, or undefined when it can. */
export function postgresUnavailable(): string | undefined {
  if (!existsSync("/usr/lib/postgresql")) return "PostgreSQL is not installed (apt-get install -y postgresql)";
  const user = process.getuid?.() === 0 ? "root" : process.env.USER;
  if (user !== "root" && user !== "postgres")
    return "scripts/ci/postgres.sh needs root or user postgres (it runs pg_ctl as postgres)";
  return undefined;
}

/** initdb + start in `/tmp/pgw/fb-<port>` on 127.0.0.1:`port` (a leftover folder is removed first). */
export async function startPostgres(port: number): Promise<BenchPostgres> {
  mkdirSync("/tmp/pgw", { recursive: true });
  chmodSync("/tmp/pgw", 0o755);
  const dir = `/tmp/pgw/fb-${port}`;
  if (existsSync(dir)) {
    await run("bash", [SCRIPT, "stop", dir]).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  const { stdout } = await run("bash", [SCRIPT, "start", dir, String(port)]);
  const adminUri = stdout.trim().split("\n").pop() as string;
  let stopped = false;
  // Ctrl-C or an exception: never leave the server running.
  process.once("exit", () => {
    if (!stopped) execFileSync("bash", [SCRIPT, "stop", dir], { stdio: "ignore" });
  });
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await run("bash", [SCRIPT, "stop", dir]).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    dir,
    adminUri,
    uriOf: (name) => adminUri.replace(/\/postgres$/, `/${name}`),
    halt: async (mode) => void (await run("bash", [SCRIPT, "halt", dir, mode])),
    resume: async () => void (await run("bash", [SCRIPT, "resume", dir])),
    stop,
  };
}

/** Run `sql` on a connection of its own (closed afterwards). */
export async function pgQuery<T>(uri: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: uri, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end().catch(() => {});
  }
}

/** Terminate every backend connected to database `db` except our own; resolves to how many. */
export async function terminateBackends(adminUri: string, db: string): Promise<number> {
  const rows = await pgQuery<{ killed: boolean }>(
    adminUri,
    "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    [db],
  );
  return rows.filter((r) => r.killed).length;
}

/** `BEGIN; LOCK TABLE runs IN ACCESS EXCLUSIVE MODE` on a connection of its own; `release` rolls back. */
export async function lockRuns(uri: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: uri });
  client.on("error", () => {});
  await client.connect();
  await client.query("BEGIN");
  await client.query("LOCK TABLE runs IN ACCESS EXCLUSIVE MODE");
  return {
    release: async () => {
      await client.query("ROLLBACK").catch(() => {});
      await client.end().catch(() => {});
    },
  };
}
