/**
 * A server in a child process that prints one JSON line with its `url` once listening. Separate
 * processes keep load generator and server off each other's event loop and let us read the
 * server's RSS; every child is killed when the benchmark exits, however it exits.
 */
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { stopChild } from "../../lib/child-process.js";
import { REPO_ROOT } from "./paths.js";
import { readRssMiB } from "./proc-memory.js";

export interface ChildServer {
  /** What the server calls itself in reports. */
  label: string;
  url: string;
  pid: number;
  /** The JSON line the server printed when ready. */
  ready: Record<string, unknown>;
  /** Exit code or signal if the process ended without {@link ChildServer.stop} being called. */
  crashed(): string | undefined;
  rssMiB(): number;
  /** The last few KiB of its stderr, for error messages. */
  stderrTail(): string;
  /** The `Authorization` value clients must send (a `serve` with authentication on); none: open. */
  authorization?: string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

/** Kill `child` if this process exits first (Ctrl-C, an exception, process.exit). */
export function killOnExit(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
}

/** Spawn `node ARGS` in the repository root and wait for its ready line. */
export async function startChildServer(
  label: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ChildServer> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  killOnExit(child);
  let stderr = "";
  let stopping = false;
  let exit: string | undefined;
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  child.once("exit", (code, signal) => {
    if (!stopping) exit = signal ? `killed by ${signal}` : `exit code ${code}`;
  });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = "";
    const fail = (why: string) => {
      child.kill("SIGKILL");
      reject(new Error(`${label}: ${why}\n${stderr.trim()}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    const onData = (d: string) => {
      out += d;
      const line = out.split("\n").find((l) => l.startsWith("{") && l.endsWith("}"));
      if (!line) return;
      clearTimeout(timer);
      // Keep draining stdout so a chatty server never blocks on a full pipe.
      child.stdout?.off("data", onData).on("data", () => {});
      resolve(JSON.parse(line) as Record<string, unknown>);
    };
    child.stdout?.setEncoding("utf8").on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label}: exited before ready (${signal ?? `code ${code}`})\n${stderr.trim()}`));
    });
  });
  if (typeof ready.url !== "string") throw new Error(`${label}: ready line has no url: ${JSON.stringify(ready)}`);
  const pid = child.pid as number;
  return {
    label,
    url: ready.url,
    pid,
    ready,
    crashed: () => exit,
    rssMiB: () => readRssMiB(pid),
    stderrTail: () => stderr,
    stop: () => {
      stopping = true;
      return stopChild(child);
    },
  };
}
