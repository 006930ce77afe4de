/** Run the Modelworks CLI against a temporary MODELWORKS_HOME, one-shot or as a server. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { readTokenFile } from "../../../src/cli/client-auth.js";
import type { ChildServer } from "./child-server.js";
import { startChildServer } from "./child-server.js";
import { CLI_ENTRY, REPO_ROOT } from "./paths.js";

const run = promisify(execFile);

/** The environment with MODELWORKS_HOME set and nothing that could point the CLI elsewhere. */
export function cliEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MODELWORKS_HOME: home };
  for (const key of ["MODELWORKS_STORE_URI", "MODELWORKS_ARTIFACTS_URI", "MODELWORKS_TRACKING_URI"]) delete env[key];
  return env;
}

export class CliFailure extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(`modelworks ${args.join(" ")} failed (exit ${exitCode}): ${stderr.trim()}`);
  }
}

/** Compile `src/` into `dist/` (`npm run build`), which `bin/modelworks.js` runs. */
export async function buildCli(): Promise<void> {
  await run("npm", ["run", "--silent", "build"], { cwd: REPO_ROOT, maxBuffer: 16 << 20 });
}

/** Run `modelworks ARGS` to completion; resolves to its stdout, throws {@link CliFailure} on a non-zero exit. */
export async function runCli(home: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [...CLI_ENTRY, ...args], {
      cwd: REPO_ROOT,
      env: cliEnv(home),
      maxBuffer: 16 << 20,
    });
    return stdout;
  } catch (e) {
    const err = e as { code?: number; stderr?: string; message: string };
    throw new CliFailure(args, typeof err.code === "number" ? err.code : undefined, err.stderr ?? err.message);
  }
}

/**
 * Start `modelworks serve ARGS --port 0 --json` and wait for its ready line. Authentication is on
 * unless ARGS has `--no-auth`; then `authorization` is the admin token its first start saved.
 */
export async function startServe(label: string, home: string, args: readonly string[]): Promise<ChildServer> {
  const server = await startChildServer(label, [...CLI_ENTRY, "serve", ...args, "--port", "0", "--json"], {
    env: cliEnv(home),
    timeoutMs: 120_000,
  });
  if (args.includes("--no-auth")) return server;
  const token = readTokenFile(home);
  return token ? { ...server, authorization: `Bearer ${token}` } : server;
}
