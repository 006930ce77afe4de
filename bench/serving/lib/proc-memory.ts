/** Resident memory of a process from /proc (Linux). */
import { readFileSync } from "node:fs";

/** VmRSS of a process in MiB; NaN when the process is gone. */
export function readRssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb === undefined ? Number.NaN : Number(kb) / 1024;
  } catch {
    return Number.NaN;
  }
}
