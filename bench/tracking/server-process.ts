/**
 * The real server in a child process (`modelworks server --home DIR --port 0 --json`), so client
 * and server have separate heaps and event loops, and the server's memory can be read from /proc.
 */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readTokenFile } from "../../src/cli/client-auth.js";
import { stopChild } from "../lib/child-process.js";

/** The repository root (bench/tracking/ is two levels down). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface ProcMemory {
  /** Resident set size now, in MiB. */
  rssMiB: number;
  /** Peak resident set size (since start or the last {@link ServerProcess.resetPeak}), in MiB. */
  hwmMiB: number;
}

export interface ServerProcess {
  url: string;
  pid: number;
  memory(): ProcMemory;
  /** CPU time (user + system) the server process has used so far, in ms (10 ms resolution). */
  cpuMs(): number;
  /** Reset VmHWM to the current RSS (`echo 5 > /proc/PID/clear_refs`); false when not permitted. */
  resetPeak(): boolean;
  /** `Bearer <token>`: the admin token the server saved in its home at first start. */
  authorization: string;
  stop(): Promise<void>;
}

/** Start the server on a free port and wait until `/health` answers. */
export async function startServerProcess(home: string, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/entry.ts", "server", "--home", home, "--port", "0", "--json"],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (!line) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code}: ${stderr}`));
    });
  });
  await waitForHealth(url, timeoutMs);
  const pid = child.pid as number;
  return {
    url,
    pid,
    authorization: `Bearer ${readTokenFile(home) ?? ""}`,
    memory: () => readMemory(pid),
    cpuMs: () => readCpuMs(pid),
    resetPeak: () => {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, "5");
        return true;
      } catch {
        return false;
      }
    },
    stop: () => stopChild(child),
  };
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok && (await res.text()) === "OK") return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url}/health did not answer in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** VmRSS and VmHWM of a process, in MiB. */
export function readMemory(pid: number | "self"): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssMiB: kb("VmRSS") / 1024, hwmMiB: kb("VmHWM") / 1024 };
}

const TICK_MS = 10; // CLK_TCK is 100 on Linux

/** utime + stime of a process from /proc/PID/stat, in ms. */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** CPU used by the server and by this (client) process while `fn` runs. */
export async function withCpu<T>(
  server: ServerProcess,
  fn: () => Promise<T>,
): Promise<{ value: T; serverCpuMs: number; clientCpuMs: number }> {
  const s0 = server.cpuMs();
  const c0 = process.cpuUsage();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { value, serverCpuMs: server.cpuMs() - s0, clientCpuMs: Math.round((c.user + c.system) / 1000) };
}

/** Sample a process's RSS every `everyMs` until stopped; returns the largest value seen (MiB). */
export function sampleRss(pid: number, everyMs = 10): { stop(): number } {
  let peak = readMemory(pid).rssMiB;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, readMemory(pid).rssMiB);
    } catch {}
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, readMemory(pid).rssMiB);
    },
  };
}
