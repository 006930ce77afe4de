/** A CLI environment for tests: the embedded store in `home`, output captured line by line. */
import type { CliIo } from "../cli-context.js";

/** An in-memory {@link CliIo} whose MODELWORKS_HOME and cwd are `home`. */
export function captureIo(home: string): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    env: { MODELWORKS_HOME: home },
    cwd: home,
  };
}
