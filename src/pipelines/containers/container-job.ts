/**
 * A `container` step as its backends see it: the image and what it runs, its variables (literals,
 * secret values taken from the platform's environment, or Kubernetes Secret references), resources,
 * the attempt's deadline and labels naming the run and step. Built from the step's context; the
 * backend (a Kubernetes Job, or `docker`/`podman run`) only runs it.
 */
import { randomBytes } from "node:crypto";
import type { ContainerSpec, SecretRef } from "../pipeline-spec.js";
import type { StepContainer } from "../run-store.js";
import type { StepContext } from "../step-executor.js";
import { PermanentStepError } from "../step-executor.js";
import { declared } from "../steps/command-env.js";

/** One variable of the container: a value (`secret` marks one never to show), or a Secret key. */
export type ContainerEnvVar =
  | { name: string; value: string; secret?: boolean }
  | { name: string; secretRef: SecretRef };

/** Everything a backend needs to run one attempt. */
export interface ContainerJob {
  /** Unique per attempt, a DNS label (≤ 63 characters): the Job's or the container's name. */
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env: ContainerEnvVar[];
  resources?: ContainerSpec["resources"];
  /** The step's timeout: the Job's activeDeadlineSeconds, the CLI backend's kill deadline. */
  timeoutMs: number;
  labels: Record<string, string>;
  /** Secret values (to mask in log lines). */
  secrets: string[];
}

/** What a backend gets besides the job. */
export interface ContainerIo {
  /** A line of the container's output or of the backend's progress (secrets already masked by the caller). */
  log(line: string): void;
  /** Aborted on the step's timeout or the run's cancellation: the backend stops the container. */
  signal: AbortSignal;
  /**
   * Record what was started once it may run, and clear that record (`gone`) once it is known to be
   * gone, so a process taking over after a crash can delete it. A failed record is only logged.
   */
  record?(started: StepContainer, gone?: boolean): Promise<void>;
}

/** Runs container jobs; resolves when the container exited 0, throws with the reason otherwise. */
export interface ContainerBackend {
  /** `kubernetes`, `docker` or `podman`, for log lines and outputs. */
  readonly kind: string;
  run(job: ContainerJob, io: ContainerIo): Promise<void>;
}

/**
 * Deletes what a crashed process's container step left running (the Job with its pods, or the
 * container); resolves once it is gone (already gone too), rejects when the cluster or the
 * container engine cannot be reached.
 */
export type ContainerRemover = (started: StepContainer) => Promise<void>;

/** Record `started` (or that it is `gone`) through `io`; a failed write is only logged: the step goes on. */
export async function recordStarted(io: ContainerIo, started: StepContainer, gone = false): Promise<void> {
  await io.record?.(started, gone).catch((e: unknown) => {
    io.log(`warning: could not record the container's state: ${(e as Error).message}`);
  });
}

/** Label keys on every Job and pod (and Docker container) of a step, so they can be found and cleaned up. */
export const LABELS = {
  managedBy: "app.kubernetes.io/managed-by",
  run: "modelworks.dev/pipeline-run",
  step: "modelworks.dev/step",
} as const;

/**
 * The job of one attempt of `ctx`'s container step. `platformEnv` is the platform process's
 * environment (passed in), where `secret_env` values are read; `trackingUri` is the tracking server's
 * address as containers reach it (the platform's own loopback address means nothing inside one).
 */
export function containerJob(ctx: StepContext, platformEnv: NodeJS.ProcessEnv, trackingUri?: string): ContainerJob {
  const spec = ctx.step.container;
  if (!spec) throw new PermanentStepError("a container step needs image:");
  const secrets: string[] = [];
  const env: ContainerEnvVar[] = [];
  for (const [name, value] of Object.entries(ctx.step.env ?? {})) {
    if (typeof value === "object" && "secretRef" in value) {
      env.push({ name, secretRef: value.secretRef });
      continue;
    }
    const text = declared(name, value, platformEnv, secrets);
    env.push({ name, value: text, ...(typeof value === "object" ? { secret: true } : {}) });
  }
  const platform: Record<string, string> = {
    MODELWORKS_RUN_ID: ctx.runId,
    MLFLOW_RUN_ID: ctx.runId,
    MODELWORKS_PIPELINE_RUN_ID: ctx.pipelineRunId,
    MODELWORKS_STEP: ctx.step.name,
    ...(trackingUri ? { MLFLOW_TRACKING_URI: trackingUri, MODELWORKS_TRACKING_URI: trackingUri } : {}),
  };
  for (const [name, value] of Object.entries(platform)) env.push({ name, value });
  return {
    name: jobName(ctx.pipeline ?? "pipeline", ctx.step.name),
    image: spec.image,
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.args ? { args: spec.args } : {}),
    env,
    ...(spec.resources && Object.keys(spec.resources).length > 0 ? { resources: spec.resources } : {}),
    timeoutMs: ctx.step.timeoutMs,
    labels: {
      [LABELS.managedBy]: "modelworks",
      [LABELS.run]: labelValue(ctx.pipelineRunId),
      [LABELS.step]: labelValue(ctx.step.name),
    },
    secrets,
  };
}

/** `mw-<pipeline>-<step>-<random>`, lowercased to a DNS label of at most 63 characters. */
export function jobName(pipeline: string, step: string): string {
  const suffix = randomBytes(4).toString("hex");
  const base = `mw-${pipeline}-${step}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .slice(0, 63 - suffix.length - 1)
    .replace(/-+$/, "");
  return `${base}-${suffix}`;
}

/** A Kubernetes label value: at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric. */
export function labelValue(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}
