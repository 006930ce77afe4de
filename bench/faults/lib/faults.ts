/**
 * The faults, each as begin (at the fault's start) and end (after the hold; resolves once the
 * database is back or the lock released). PostgreSQL ones need the bench's own server.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { killOnExit } from "../../serving/lib/child-server.js";
import { REPO_ROOT } from "../../serving/lib/paths.js";
import { cacheFault } from "./cache-fault.js";
import type { FaultName } from "./fault-names.js";
import type { BenchPostgres } from "./postgres.js";
import { lockRuns, terminateBackends } from "./postgres.js";
import type { Scenario } from "./scenario.js";
import type { Sample } from "./traffic.js";
import { asServiceUser } from "./up-process.js";

export interface FaultContext {
  scenario: Scenario;
  pg: BenchPostgres | undefined;
  holdS: number;
  /** The traffic's samples so far (the cache fault watches the answering variant). */
  samples: readonly Sample[];
  log(line: string): void;
}

/** A fault in progress. */
export interface ActiveFault {
  /** Undo the fault (restart, unlock, stop deleting); resolves when done. */
  end(): Promise<void>;
  /** False while the fault's effect is still pending (traffic goes on, at most 40 s after the end). */
  settled?(): boolean;
  /** Last checks that need traffic flowing, once the fault's effect has settled. */
  beforeStop?(): Promise<void>;
  /** Figures only this fault has, computed after the traffic stopped. */
  extra?(): Promise<Record<string, unknown>>;
}

export interface Fault {
  name: FaultName;
  store: "postgres" | "sqlite";
  begin(ctx: FaultContext): Promise<ActiveFault>;
}

const noEnd = async () => {};

function dbName(ctx: FaultContext): string {
  const s = ctx.scenario.store;
  if (s.kind !== "postgres" || !ctx.pg) throw new Error("a PostgreSQL fault needs a PostgreSQL scenario");
  return s.db;
}

/** Kill the server's backends every `everyMs` until the end; the kill count is reported. */
function killLoop(ctx: FaultContext, everyMs: number): ActiveFault {
  const db = dbName(ctx);
  const admin = (ctx.pg as BenchPostgres).adminUri;
  const kills: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      kills.push(await terminateBackends(admin, db).catch(() => -1));
      const until = performance.now() + everyMs;
      while (!stopped && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    end: async () => {
      stopped = true;
      await loop;
    },
    extra: async () => ({ kills: kills.length, backendsTerminated: kills.reduce((a, b) => a + Math.max(0, b), 0) }),
  };
}

function halt(mode: "fast" | "immediate"): Fault["begin"] {
  return async (ctx) => {
    const pg = ctx.pg as BenchPostgres;
    const t0 = performance.now();
    await pg.halt(mode);
    const haltMs = performance.now() - t0;
    return {
      end: () => pg.resume(),
      extra: async () => ({ haltMs: Math.round(haltMs) }),
    };
  };
}

/** Hold BEGIN EXCLUSIVE from another process until the end. */
async function sqliteExclusive(ctx: FaultContext): Promise<ActiveFault> {
  const s = ctx.scenario.store;
  if (s.kind !== "sqlite") throw new Error("sqlite-exclusive needs a SQLite scenario");
  const child = spawn(process.execPath, ["--import", "tsx", "bench/faults/lib/sqlite-locker.ts", s.path], {
    cwd: REPO_ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  killOnExit(child);
  const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
  if (line !== "locked") throw new Error(`sqlite-locker said '${line}'`);
  return {
    end: async () => {
      const exited = once(child, "exit");
      child.stdin.end("\n");
      await exited;
    },
  };
}

/** Every folder under (and with) `root`, deepest last. */
function foldersUnder(root: string): string[] {
  const out = [root];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true }))
    if (entry.isDirectory()) out.push(join(entry.parentPath, entry.name));
  return out;
}

/**
 * The artifact folder made read-only (every folder in it `chmod a-w`) until the end, as a wrong
 * owner or a read-only mount would: uploads must fail with a traceable 5xx and nothing else may.
 */
async function artifactsReadOnly(ctx: FaultContext): Promise<ActiveFault> {
  const folders = foldersUnder(join(ctx.scenario.home, "artifacts"));
  for (const f of folders) chmodSync(f, 0o555);
  return {
    end: async () => {
      for (const f of folders) chmodSync(f, 0o755);
    },
    extra: async () => ({
      foldersMadeReadOnly: folders.length,
      // As root with no setpriv, permissions do not apply to up and this fault does nothing.
      permissionsApply: process.getuid?.() !== 0 || asServiceUser([]).length > 0,
    }),
  };
}

/** Every fault, in the order they run. */
export const FAULTS: readonly Fault[] = [
  {
    name: "pg-kill-once",
    store: "postgres",
    begin: async (ctx) => {
      const killed = await terminateBackends((ctx.pg as BenchPostgres).adminUri, dbName(ctx));
      return { end: noEnd, extra: async () => ({ backendsTerminated: killed }) };
    },
  },
  { name: "pg-kill-every-2s", store: "postgres", begin: async (ctx) => killLoop(ctx, 2000) },
  { name: "pg-stop-fast", store: "postgres", begin: halt("fast") },
  { name: "pg-stop-immediate", store: "postgres", begin: halt("immediate") },
  {
    name: "pg-lock-runs",
    store: "postgres",
    begin: async (ctx) => {
      dbName(ctx);
      const lock = await lockRuns((ctx.scenario.store as { uri: string }).uri);
      return { end: () => lock.release() };
    },
  },
  { name: "sqlite-exclusive", store: "sqlite", begin: sqliteExclusive },
  { name: "artifacts-read-only", store: "sqlite", begin: artifactsReadOnly },
  { name: "cache-deleted", store: "sqlite", begin: cacheFault },
];
