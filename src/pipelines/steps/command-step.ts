/**
 * The `command` step: run an executable without a shell (arguments are never re-split or expanded)
 * in a process group of its own, with a minimal environment (`command-env.ts`), stream its output
 * to the step log, and take `$MODELWORKS_WORK_DIR/outputs.json` as its outputs. Cancelling, a
 * timeout or the command's own exit stops the whole group, so nothing it started is left behind.
 */
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { KILL_GRACE_MS, processStart, stopGroup, thisHost, trackGroup, untrackGroup } from "../process-groups.js";
import type { StepContext, StepExecutor } from "../step-executor.js";
import { PermanentStepError } from "../step-executor.js";
import { commandEnv, maskSecrets } from "./command-env.js";

/** The `command` executor; `env` is the platform process's environment (commands see only part of it). */
export function commandExecutor(options: { env: NodeJS.ProcessEnv }): StepExecutor {
  return { run: (ctx) => runCommand(ctx, options.env) };
}

async function runCommand(ctx: StepContext, platformEnv: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const argv = (ctx.step.run ?? []).map(String);
  const [file, ...args] = argv;
  if (!file) throw new PermanentStepError("a command step needs run: [executable, args...]");
  const { env, secrets } = commandEnv(ctx, platformEnv);
  const log = (line: string) => ctx.log(maskSecrets(line, secrets));
  const outputsFile = join(ctx.workDir, "outputs.json");
  // A previous attempt's outputs must not pass for this one's.
  await rm(outputsFile, { force: true });
  log(`$ ${argv.map(quote).join(" ")}`);
  const child = spawn(file, args, {
    cwd: ctx.baseDir ?? process.cwd(),
    env,
    stdio: ["ignore", "pipe", "pipe"],
    windowsHide: true,
    // Its own process group: what it starts is stopped with it, and a terminal's Ctrl-C reaches only us.
    detached: process.platform !== "win32",
  });
  const code = await supervise(child, ctx, log);
  if (code !== 0) throw new Error(typeof code === "number" ? `exited with code ${code}` : `killed by ${code}`);
  return readOutputs(outputsFile);
}

/** Wait for the command, stopping its group on abort and once it exits; resolves to its exit code or signal. */
async function supervise(child: ChildProcess, ctx: StepContext, log: (line: string) => void) {
  const pgid = child.pid !== undefined && process.platform !== "win32" ? child.pid : undefined;
  let recorded = Promise.resolve();
  if (pgid !== undefined) {
    trackGroup(pgid);
    const start = processStart(pgid);
    recorded = (ctx.onProcess?.({ pid: pgid, pgid, host: thisHost(), ...(start ? { start } : {}) }) ?? recorded).catch(
      (e: unknown) => log(`warning: could not record the command's process: ${(e as Error).message}`),
    );
  }
  const stop = async () => {
    if (pgid === undefined) {
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS).unref();
      return true;
    }
    return stopGroup(pgid, KILL_GRACE_MS);
  };
  if (child.stdout) createInterface({ input: child.stdout }).on("line", log);
  if (child.stderr) createInterface({ input: child.stderr }).on("line", log);
  const onAbort = () => void stop();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await new Promise<number | string>((done, fail) => {
      child.on("error", (e: NodeJS.ErrnoException) => {
        fail(e.code === "ENOENT" ? new PermanentStepError(`command not found: '${child.spawnfile}'`) : e);
      });
      // Whatever it left running in its group is stopped, so its output pipes close and nothing lingers.
      child.on("exit", () => void stop());
      child.on("close", (exitCode, sig) => done(exitCode ?? sig ?? "unknown"));
    });
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    if (pgid !== undefined) await forget(pgid, ctx, log, recorded);
  }
}

/** The group is gone: stop tracking it and clear its record (kept when it survived, so a resume refuses). */
async function forget(pgid: number, ctx: StepContext, log: (line: string) => void, recorded: Promise<void>) {
  await recorded;
  if (!(await stopGroup(pgid, KILL_GRACE_MS))) {
    log(`warning: process group ${pgid} could not be stopped`);
    return;
  }
  untrackGroup(pgid);
  await ctx.onProcess?.(undefined).catch(() => {});
}

async function readOutputs(path: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new PermanentStepError(`outputs.json is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new PermanentStepError("outputs.json must hold a JSON object");
  }
  return value as Record<string, unknown>;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
