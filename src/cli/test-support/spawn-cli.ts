/** Run the real CLI in a child process (for long-running commands such as `serve` and `up`). */
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface SpawnedCli {
  proc: ChildProcess;
  /** The first stdout line (e.g. the `--json` listening notice). */
  firstLine: string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

/** Start `modelworks ARGS...` from the TypeScript sources and wait for its first output line. */
export async function spawnCli(args: string[], env: Record<string, string>): Promise<SpawnedCli> {
  const proc = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/entry.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  proc.stderr?.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const lines = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
  const exited = once(proc, "exit");
  const first = await Promise.race([
    once(lines, "line").then(([l]) => l as string),
    exited.then(([code]) => {
      throw new Error(`modelworks ${args.join(" ")} exited ${code} before printing: ${err}`);
    }),
  ]);
  return {
    proc,
    firstLine: first,
    stderr: () => err,
    stop: async () => {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      const [code] = proc.exitCode === null ? await exited : [proc.exitCode];
      return code as number | null;
    },
  };
}
