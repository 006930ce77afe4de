/**
 * Processes on this machine: which host and boot we are (a process id means something only there),
 * whether a process or process group is still alive (zombies count as gone), and stopping a whole
 * group (SIGTERM, then SIGKILL after a grace period). Command steps run in their own group, so
 * whatever a command starts is stopped with it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";

/** How long a command group gets to exit after SIGTERM before SIGKILL. */
export const KILL_GRACE_MS = 2000;

let host: string | undefined;

/** `hostname/boot-id` (the boot id on Linux; the hostname alone elsewhere). */
export function thisHost(): string {
  host ??= `${hostname()}/${readText("/proc/sys/kernel/random/boot_id")?.trim() ?? "-"}`;
  return host;
}

/** Whether `recorded` (a {@link thisHost}) names this machine but an earlier boot: its processes are gone. */
export function isEarlierBoot(recorded: string): boolean {
  const [name, boot] = splitHost(recorded);
  const [ourName, ourBoot] = splitHost(thisHost());
  return name === ourName && boot !== "-" && ourBoot !== "-" && boot !== ourBoot;
}

function splitHost(h: string): [string, string] {
  const at = h.lastIndexOf("/");
  return at < 0 ? [h, "-"] : [h.slice(0, at), h.slice(at + 1)];
}

/** True while `pid` exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  const stat = procStat(pid);
  if (stat) return stat.state !== "Z" && stat.state !== "X";
  return signal(pid, 0) !== "gone";
}

/** When the process started, as the kernel counts it (Linux); tells a reused process id apart. */
export function processStart(pid: number): string | undefined {
  return procStat(pid)?.start;
}

/** True while any member of process group `pgid` is alive (not a zombie). */
export function groupAlive(pgid: number): boolean {
  if (process.platform === "linux") {
    const pids = readdirSafe("/proc").filter((n) => /^\d+$/.test(n));
    return pids.some((n) => {
      const s = procStat(Number(n));
      return s !== undefined && s.pgrp === pgid && s.state !== "Z" && s.state !== "X";
    });
  }
  return signal(-pgid, 0) !== "gone";
}

/**
 * Stop process group `pgid`: SIGTERM, then SIGKILL to what is left after `graceMs`. Resolves true
 * once no member is alive, false when some member survives (e.g. it belongs to another user).
 */
export async function stopGroup(pgid: number, graceMs: number): Promise<boolean> {
  if (!groupAlive(pgid)) return true;
  signal(-pgid, "SIGTERM");
  if (await gone(pgid, graceMs)) return true;
  signal(-pgid, "SIGKILL");
  return gone(pgid, 2000);
}

/** SIGKILL a group at once (no waiting): for a process that is exiting. */
export function killGroupNow(pgid: number): void {
  signal(-pgid, "SIGKILL");
}

async function gone(pgid: number, withinMs: number): Promise<boolean> {
  const end = Date.now() + withinMs;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (Date.now() >= end) return false;
    await new Promise((done) => setTimeout(done, 25));
  }
}

function signal(target: number, sig: NodeJS.Signals | 0): "sent" | "gone" | "denied" {
  try {
    process.kill(target, sig);
    return "sent";
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM" ? "denied" : "gone";
  }
}

/** State, process group and start time from `/proc/PID/stat` (Linux only). */
function procStat(pid: number): { state: string; pgrp: number; start: string } | undefined {
  const text = readText(`/proc/${pid}/stat`);
  if (!text) return undefined;
  // The command name in parentheses may hold spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "", pgrp: Number(fields[2]), start: fields[19] ?? "" };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

const live = new Set<number>();
let exitHook = false;

/**
 * Remember a group started by this process until {@link untrackGroup}; if the process exits first,
 * the group is killed on the way out (a crash by SIGKILL is left to the next process, see resume).
 */
export function trackGroup(pgid: number): void {
  live.add(pgid);
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => {
      for (const g of live) killGroupNow(g);
    });
  }
}

export function untrackGroup(pgid: number): void {
  live.delete(pgid);
}
