/**
 * The environment of a `command` step: a few variables of the platform process that programs need
 * to run (never its credentials or configuration), the step's own variables (run ids, tracking URI,
 * work folder, git values of the push that started it) and what the pipeline declares under `env:`
 * (literals, and secrets read from the platform's environment by name).
 */
import { resolve } from "node:path";
import type { EnvValue } from "../pipeline-spec.js";
import type { StepContext } from "../step-executor.js";
import { PermanentStepError } from "../step-executor.js";

/** Taken from the platform's environment when set: what finding programs, locale, time and temp files need. */
export const PASSED_THROUGH = [
  "PATH",
  "HOME",
  "LANG",
  "LC_ALL",
  "TZ",
  "TMPDIR",
  // Windows cannot start most programs without these.
  "SYSTEMROOT",
  "WINDIR",
  "COMSPEC",
  "PATHEXT",
  "TEMP",
  "TMP",
] as const;

/** Secret values shorter than this are not masked in logs (they would mask ordinary text). */
const MIN_MASKED = 4;

/** The variables and the secret values among them (to mask in logs). */
export interface CommandEnv {
  env: NodeJS.ProcessEnv;
  secrets: string[];
}

/**
 * Build the environment from `platform` (the platform process's environment, passed in): throws a
 * PermanentStepError naming the variable when a declared secret is not set (its value is never shown).
 */
export function commandEnv(ctx: StepContext, platform: NodeJS.ProcessEnv): CommandEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of PASSED_THROUGH) if (platform[name] !== undefined) env[name] = platform[name];
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(ctx.step.env ?? {})) {
    env[name] = declared(name, value, platform, secrets);
  }
  return { env: { ...env, ...stepVariables(ctx) }, secrets };
}

/** The value of a literal or `secret_env` variable (a secret's value is added to `secrets`, to mask). */
export function declared(name: string, value: EnvValue, platform: NodeJS.ProcessEnv, secrets: string[]): string {
  if (typeof value === "string") return value;
  if ("secretRef" in value) {
    throw new PermanentStepError(`env.${name}: a Kubernetes Secret reference is for container steps on Kubernetes`);
  }
  const secret = platform[value.secretEnv];
  if (secret === undefined || secret === "") {
    throw new PermanentStepError(
      `env.${name}: the secret variable ${value.secretEnv} is not set in the platform's environment`,
    );
  }
  if (secret.length >= MIN_MASKED) secrets.push(secret);
  return secret;
}

/** What the platform tells every command: where to log, what to read and write, what started it. */
function stepVariables(ctx: StepContext): NodeJS.ProcessEnv {
  const dir = ctx.baseDir ?? process.cwd();
  const trigger = ctx.trigger;
  const text = (key: string) => {
    const v = trigger?.data[key];
    return typeof v === "string" ? v : undefined;
  };
  const git =
    trigger?.kind === "git"
      ? {
          MODELWORKS_GIT_BRANCH: text("branch"),
          MODELWORKS_GIT_COMMIT: text("commit"),
          MODELWORKS_GIT_REPOSITORY: text("repository"),
        }
      : {};
  const file = trigger?.kind === "folder" ? { MODELWORKS_TRIGGER_FILE: text("file") } : {};
  const registry =
    trigger?.kind === "registry"
      ? {
          MODELWORKS_TRIGGER_MODEL: text("model"),
          MODELWORKS_TRIGGER_VERSION: text("version"),
          MODELWORKS_TRIGGER_ALIAS: text("alias"),
        }
      : {};
  const vars: NodeJS.ProcessEnv = {
    ...(ctx.trackingUri ? { MLFLOW_TRACKING_URI: ctx.trackingUri, MODELWORKS_TRACKING_URI: ctx.trackingUri } : {}),
    ...(ctx.trackingToken ? { MLFLOW_TRACKING_TOKEN: ctx.trackingToken, MODELWORKS_TOKEN: ctx.trackingToken } : {}),
    MODELWORKS_RUN_ID: ctx.runId,
    MLFLOW_RUN_ID: ctx.runId,
    MODELWORKS_PIPELINE_RUN_ID: ctx.pipelineRunId,
    MODELWORKS_STEP: ctx.step.name,
    MODELWORKS_INPUTS: JSON.stringify(ctx.step.inputs.map((p) => resolve(dir, p))),
    MODELWORKS_OUTPUTS: JSON.stringify(ctx.step.outputs.map((p) => resolve(dir, p))),
    MODELWORKS_WORK_DIR: ctx.workDir,
    ...(trigger ? { MODELWORKS_TRIGGER: trigger.kind } : {}),
    ...git,
    ...file,
    ...registry,
  };
  return Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== undefined));
}

/** `line` with every secret value replaced by `***`. */
export function maskSecrets(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join("***");
  return out;
}
