/** Run the real CLI (`src/cli/entry.ts` through tsx) in a child process to completion. */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (test/web-ui/support → ../../..). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Run `modelworks ARGS...`, collecting its output; rejects only when it runs past `timeoutMs`. */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 180_000): Promise<CliResult> {
  const started = performance.now();
  const proc = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src/cli/entry.ts"), ...args], {
    cwd: REPO_ROOT,
    env: { ...inherited(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  proc.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  proc.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`modelworks ${args.join(" ")} ran past ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
    }, timeoutMs);
    proc.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    proc.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** The parent's environment without MODELWORKS_* or MLFLOW_* settings, so children use only what the test gives. */
function inherited(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(MODELWORKS|MLFLOW)_/.test(k)));
}

/** Like `runCli`, but a non-zero exit is an error carrying the command's output. */
export async function runCliOk(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await runCli(args, env);
  if (r.code !== 0)
    throw new Error(
      `modelworks ${args.join(" ")} exited ${r.code}\n${r.stderr.slice(-2000)}\n${r.stdout.slice(-2000)}`,
    );
  return r;
}
