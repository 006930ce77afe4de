/**
 * Files and folders only their owner may read: the metadata database holds every run, model,
 * prediction and (soon) credential, so it must not be created world-readable. Modes are set with
 * chmod after creation, so a permissive umask cannot widen them.
 */
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync } from "node:fs";

/** Create `dir` (and missing parents) as 0700 when it does not exist; an existing folder keeps its mode. */
export function ensurePrivateDir(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by the umask; the folders made here are set exactly.
  if (first !== undefined) chmodSync(dir, 0o700);
}

/** Create an empty `path` with mode 0600 when it does not exist; an existing file is left as it is. */
export function ensurePrivateFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return;
    throw e;
  }
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}
