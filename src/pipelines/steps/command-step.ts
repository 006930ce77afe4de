/**
 * The `command` step: run an executable without a shell (arguments are never re-split or expanded),
 * stream its output to the step log, and take `$MODELWORKS_WORK_DIR/outputs.json` as its outputs.
 */
import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { StepContext, StepExecutor } from "../step-executor.js";
import { PermanentStepError } from "../step-executor.js";

/** How long a command gets to exit after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;

/** The `command` executor; `env` is the base environment (the process's by default). */
export function commandExecutor(options: { env?: NodeJS.ProcessEnv } = {}): StepExecutor {
  return { run: (ctx) => runCommand(ctx, options.env ?? process.env) };
}

/** The environment a command sees: the base plus where to log and what to read and write. */
export function commandEnv(ctx: StepContext, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const dir = ctx.baseDir ?? process.cwd();
  return {
    ...base,
    ...(ctx.trackingUri ? { MLFLOW_TRACKING_URI: ctx.trackingUri, MODELWORKS_TRACKING_URI: ctx.trackingUri } : {}),
    MODELWORKS_RUN_ID: ctx.runId,
    MLFLOW_RUN_ID: ctx.runId,
    MODELWORKS_PIPELINE_RUN_ID: ctx.pipelineRunId,
    MODELWORKS_STEP: ctx.step.name,
    MODELWORKS_INPUTS: JSON.stringify(ctx.step.inputs.map((p) => resolve(dir, p))),
    MODELWORKS_OUTPUTS: JSON.stringify(ctx.step.outputs.map((p) => resolve(dir, p))),
    MODELWORKS_WORK_DIR: ctx.workDir,
  };
}

async function runCommand(ctx: StepContext, base: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const argv = (ctx.step.run ?? []).map(String);
  const [file, ...args] = argv;
  if (!file) throw new PermanentStepError("a command step needs run: [executable, args...]");
  const outputsFile = join(ctx.workDir, "outputs.json");
  // A previous attempt's outputs must not pass for this one's.
  await rm(outputsFile, { force: true });
  ctx.log(`$ ${argv.map(quote).join(" ")}`);
  const code = await new Promise<number | string>((done, fail) => {
    const child = spawn(file, args, {
      cwd: ctx.baseDir ?? process.cwd(),
      env: commandEnv(ctx, base),
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    createInterface({ input: child.stdout }).on("line", (l) => ctx.log(l));
    createInterface({ input: child.stderr }).on("line", (l) => ctx.log(l));
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
      killTimer.unref();
    };
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    child.on("error", (e: NodeJS.ErrnoException) => {
      ctx.signal.removeEventListener("abort", onAbort);
      fail(e.code === "ENOENT" ? new PermanentStepError(`command not found: '${file}'`) : e);
    });
    child.on("close", (exitCode, signal) => {
      ctx.signal.removeEventListener("abort", onAbort);
      if (killTimer) clearTimeout(killTimer);
      done(exitCode ?? signal ?? "unknown");
    });
  });
  if (code !== 0) throw new Error(typeof code === "number" ? `exited with code ${code}` : `killed by ${code}`);
  return readOutputs(outputsFile);
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
