/** The real `modelworks server` in a child process, started the way users start it. */
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

export interface ServerProcess {
  url: string;
  /** True while the process runs (it never exits by itself). */
  alive(): boolean;
  /** What it wrote to stderr so far (its log). */
  stderr(): string;
  /** SIGKILL: no shutdown hooks, no flushing. */
  kill9(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Start `server --port 0 --json <args>` and wait for the `{"url": ...}` line. */
export function startServerProcess(
  args: string[],
  timeoutMs = 120_000,
  extraEnv: Record<string, string> = {},
): Promise<ServerProcess> {
  const env = { ...process.env, ...extraEnv };
  for (const k of ["MODELWORKS_HOME", "MODELWORKS_STORE_URI", "MODELWORKS_ARTIFACTS_URI"]) delete env[k];
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/entry.ts", "server", "--host", "127.0.0.1", "--port", "0", "--json", ...args],
    { cwd: REPO, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`server did not start (${why}); stdout: ${stdout} stderr: ${stderr}`));
    };
    const timer = setTimeout(() => fail("timeout"), timeoutMs);
    child.once("exit", (code, signal) => fail(`exit ${code ?? signal}`));
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
      const complete = stdout.slice(0, stdout.lastIndexOf("\n") + 1).split("\n");
      const line = complete.find((l) => l.startsWith("{"));
      if (!line) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const { url } = JSON.parse(line) as { url: string };
      resolve({
        url,
        alive: () => child.exitCode === null && child.signalCode === null,
        stderr: () => stderr,
        kill9: async () => {
          child.kill("SIGKILL");
          await exited(child);
        },
      });
    });
  });
}
