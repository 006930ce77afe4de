/** Resident memory of a process from /proc (Linux): now and its high-water mark. */
import { readFileSync } from "node:fs";

function statusKiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1];
    return kb === undefined ? Number.NaN : Number(kb);
  } catch {
    return Number.NaN;
  }
}

/** VmRSS in MiB; NaN when the process is gone. */
export function readRssMiB(pid: number): number {
  return statusKiB(pid, "VmRSS") / 1024;
}

/** VmHWM (the most resident memory the process has had) in MiB; NaN when it is gone. */
export function readPeakRssMiB(pid: number): number {
  return statusKiB(pid, "VmHWM") / 1024;
}
