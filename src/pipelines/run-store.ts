/**
 * Pipeline runs and their step runs, persisted as they change so a crashed run can be resumed and a
 * step's previous result found by its cache key. Every backend passes the same contract suite.
 */
import type { PipelineSpec } from "./pipeline-spec.js";

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type PipelineRunStatus = (typeof RUN_STATUSES)[number];

export const STEP_STATUSES = ["pending", "running", "succeeded", "failed", "skipped", "cached"] as const;
export type StepRunStatus = (typeof STEP_STATUSES)[number];

/** The most log text kept per step: the tail, so the error at the end survives. */
export const MAX_LOG_BYTES = 64 * 1024;

/** One run of a pipeline. */
export interface PipelineRun {
  id: string;
  pipeline: string;
  spec: PipelineSpec;
  /** The YAML file it came from (its folder is the steps' working folder). */
  specPath?: string;
  /** The params in effect: the spec's defaults with the run's overrides. */
  params: Record<string, unknown>;
  status: PipelineRunStatus;
  /** What started it: `manual`, `cron`, `git`, `folder`, `alert`, ... */
  trigger: string;
  trackingRunId?: string;
  createdTime: number;
  startTime?: number;
  endTime?: number;
  error?: string;
  /** Someone asked for the run to stop; the process running it aborts its steps. */
  cancelRequested?: boolean;
  /** What its trigger passed (branch, commit, repository of a push; file; alert...), snake_case. */
  triggerData?: Record<string, unknown>;
  /** The webhook delivery that started it (so a redelivery or replay starts nothing). */
  delivery?: { id?: string; digest: string };
  /**
   * The holder of the pipeline's lease (`pipeline-run/NAME`) that runs it, recorded when it takes
   * the lease; a later holder that takes the lease over finds the interrupted run by it.
   */
  leaseHolder?: string;
}

/**
 * The process group a step's command runs in, recorded while it may be alive, so a later process
 * can stop what a crashed one left running. `start` tells a reused process id apart.
 */
export interface StepProcess {
  pid: number;
  pgid: number;
  /** {@link thisHost} of the machine it runs on. */
  host: string;
  /** The process's start time as the system counts it (Linux), when known. */
  start?: string;
}

/**
 * What a `container` step started, recorded while it may run, so a process that takes over a
 * crashed run deletes it: a Kubernetes Job, or a container of a local `docker`/`podman`.
 */
export type StepContainer =
  | { backend: "kubernetes"; namespace: string; name: string }
  | { backend: "cli"; cli: string; name: string };

/** One step of a run. */
export interface StepRun {
  runId: string;
  step: string;
  status: StepRunStatus;
  attempts: number;
  cacheKey?: string;
  outputs?: Record<string, unknown>;
  trackingRunId?: string;
  startTime?: number;
  endTime?: number;
  error?: string;
  /** The tail of the step's log, at most {@link MAX_LOG_BYTES}. */
  log: string;
  /** The command's process group while it may be running (cleared once it is known to be gone). */
  process?: StepProcess;
  /** The container step's Job or container while it may be running (cleared once it is known to be gone). */
  container?: StepContainer;
}

export type RunPatch = Partial<
  Pick<PipelineRun, "status" | "trackingRunId" | "startTime" | "endTime" | "error" | "cancelRequested" | "leaseHolder">
>;
export type StepPatch = Partial<
  Pick<
    StepRun,
    | "status"
    | "attempts"
    | "cacheKey"
    | "outputs"
    | "trackingRunId"
    | "startTime"
    | "endTime"
    | "error"
    | "process"
    | "container"
  >
>;

export interface RunStore {
  /** Store a new run with its steps (all in one transaction). */
  create(run: PipelineRun, steps: StepRun[]): Promise<void>;
  /** The run, or RESOURCE_DOES_NOT_EXIST. */
  get(id: string): Promise<PipelineRun>;
  /** Newest first, optionally of one pipeline. */
  list(options?: { pipeline?: string; limit?: number }): Promise<PipelineRun[]>;
  update(id: string, patch: RunPatch): Promise<void>;
  /** The run's steps in spec order. */
  steps(runId: string): Promise<StepRun[]>;
  updateStep(runId: string, step: string, patch: StepPatch): Promise<void>;
  /** Put a step back to `pending` with no outputs, times or error (for resume); keeps its attempts and log. */
  resetStep(runId: string, step: string): Promise<void>;
  /** Append to a step's log, keeping the last {@link MAX_LOG_BYTES}. */
  appendLog(runId: string, step: string, text: string): Promise<void>;
  /** Flag the run for cancellation (read by whichever process runs it). */
  requestCancel(id: string): Promise<void>;
  /** The newest succeeded step run of `pipeline` with this cache key and recorded outputs. */
  findCached(pipeline: string, cacheKey: string): Promise<StepRun | undefined>;
  /** The queued or running runs of `pipeline` that a lease holder took the lease for, oldest first. */
  leased(pipeline: string): Promise<{ runId: string; holder: string }[]>;
  /** The ended runs of `pipeline` whose steps still record a Job or container that may run. */
  leftContainers(pipeline: string): Promise<string[]>;
  /** A run started by a webhook delivery with this id or this body digest. */
  findDelivery(delivery: { id?: string; digest: string }): Promise<string | undefined>;
}

/** Keep the last `max` bytes of a text (whole characters). */
export function tailBytes(text: string, max = MAX_LOG_BYTES): string {
  const buf = Buffer.from(text);
  if (buf.length <= max) return text;
  // Skip UTF-8 continuation bytes so the cut never splits a character.
  let start = buf.length - max;
  while (start < buf.length && ((buf[start] as number) & 0xc0) === 0x80) start++;
  return buf.subarray(start).toString();
}
