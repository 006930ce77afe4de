/**
 * Runs pipelines: creates a run (persisted, with its tracking run), executes its DAG, and resumes a
 * crashed or failed run by keeping the steps that succeeded (or were cached) and running the rest.
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { Clock } from "../core/clock.js";
import { systemClock } from "../core/clock.js";
import { invalidParam, MwError } from "../core/errors.js";
import { newRunId } from "../core/ids.js";
import { gitCommitOf } from "../data/versions/git-commit.js";
import type { TrackingStore } from "../tracking/tracking-store.js";
import type { PipelineSpec, StepType } from "./pipeline-spec.js";
import { PipelineTracking } from "./pipeline-tracking.js";
import type { StepEvent } from "./run-execution.js";
import { RunExecution } from "./run-execution.js";
import type { PipelineRun, RunStore, StepRun } from "./run-store.js";
import type { Sleep } from "./step-attempts.js";
import { CANCELLED, realSleep } from "./step-attempts.js";
import type { StepExecutor } from "./step-executor.js";

export interface PipelineRunnerDeps {
  store: RunStore;
  executors: Map<StepType, StepExecutor>;
  /** Where step work folders go: `<workRoot>/<run id>/<step>`. */
  workRoot: string;
  /** Records each run and step as MLflow runs when given. */
  tracking?: TrackingStore;
  /**
   * Handed to `command` steps as MLFLOW_TRACKING_URI / MODELWORKS_TRACKING_URI; a function when the
   * server's address is known only once it listens.
   */
  trackingUri?: string | (() => string | undefined);
  /** A token for the tracking server, handed to `command` steps with its URI (the server checks callers). */
  trackingToken?: () => string | undefined;
  clock?: Clock;
  sleep?: Sleep;
  /** Steps running at once (default 2). */
  maxParallel?: number;
  /** The code commit of a folder (default `git rev-parse HEAD`). */
  gitCommit?: (dir: string) => Promise<string | undefined>;
}

export interface StartOptions {
  specPath?: string;
  /** Overrides of the spec's params (only declared ones). */
  params?: Record<string, unknown>;
  trigger?: string;
  /** What the trigger passed (recorded on the run; git values reach `command` steps as variables). */
  triggerData?: Record<string, unknown>;
  /** The webhook delivery that started it. */
  delivery?: PipelineRun["delivery"];
  onEvent?: (event: StepEvent) => void;
}

/** Creates, executes and resumes pipeline runs. */
export class PipelineRunner {
  private readonly clock: Clock;

  constructor(private readonly deps: PipelineRunnerDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  /** Store a queued run of `spec` (nothing runs yet). */
  async create(spec: PipelineSpec, options: StartOptions = {}): Promise<PipelineRun> {
    const missing = spec.steps.filter((s) => !this.deps.executors.has(s.type));
    if (missing.length > 0) {
      const list = missing.map((s) => `${s.name} (${s.type})`).join(", ");
      throw invalidParam(`No executor for the step types of: ${list}.`);
    }
    const params = mergeParams(spec.params, options.params ?? {});
    const run: PipelineRun = {
      id: newRunId(),
      pipeline: spec.name,
      spec,
      ...(options.specPath ? { specPath: options.specPath } : {}),
      params,
      status: "queued",
      trigger: options.trigger ?? "manual",
      createdTime: this.clock.now(),
      ...(options.triggerData ? { triggerData: options.triggerData } : {}),
      ...(options.delivery ? { delivery: options.delivery } : {}),
    };
    const steps: StepRun[] = spec.steps.map((s) => ({
      runId: run.id,
      step: s.name,
      status: "pending",
      attempts: 0,
      log: "",
    }));
    await this.deps.store.create(run, steps);
    return run;
  }

  /** Create and execute a run to its end. */
  async start(spec: PipelineSpec, options: StartOptions = {}): Promise<PipelineRun> {
    const run = await this.create(spec, options);
    return this.execute(run.id, options.onEvent);
  }

  /** Continue a run that crashed or failed: succeeded and cached steps are kept, the rest run again. */
  async resume(runId: string, onEvent?: (event: StepEvent) => void, signal?: AbortSignal): Promise<PipelineRun> {
    const run = await this.deps.store.get(runId);
    if (run.status === "succeeded") throw new MwError("INVALID_STATE", `Pipeline run '${runId}' already succeeded.`);
    for (const s of await this.deps.store.steps(runId)) {
      if (s.status !== "succeeded" && s.status !== "cached") await this.deps.store.resetStep(runId, s.step);
    }
    await this.deps.store.update(runId, { status: "queued", error: undefined, endTime: undefined });
    return this.execute(runId, onEvent, signal);
  }

  /** Execute the pending steps of a stored run; the returned run holds the final status. `signal` cancels it. */
  async execute(
    runId: string,
    onEvent: (event: StepEvent) => void = () => {},
    signal?: AbortSignal,
  ): Promise<PipelineRun> {
    let run = await this.deps.store.get(runId);
    const now = this.clock.now();
    const tracking = this.deps.tracking ? await PipelineTracking.open(this.deps.tracking, run.pipeline) : undefined;
    const trackingRunId =
      run.trackingRunId ?? (tracking ? await tracking.startPipeline(run.pipeline, run.id, run.params, now) : undefined);
    if (tracking && run.trackingRunId) await tracking.end(run.trackingRunId, "RUNNING", now);
    run = { ...run, status: "running", startTime: run.startTime ?? now, ...(trackingRunId ? { trackingRunId } : {}) };
    await this.deps.store.update(runId, {
      status: "running",
      startTime: run.startTime,
      ...(trackingRunId ? { trackingRunId } : {}),
    });
    const baseDir = run.specPath ? dirname(run.specPath) : process.cwd();
    await mkdir(this.deps.workRoot, { recursive: true });
    const commit = (await (this.deps.gitCommit ?? gitCommitOf)(baseDir)) ?? "none";
    const uri = this.deps.trackingUri;
    const trackingUri = typeof uri === "function" ? uri() : uri;
    const trackingToken = this.deps.trackingToken?.();
    let error: string | undefined;
    try {
      const execution = new RunExecution(
        {
          store: this.deps.store,
          executors: this.deps.executors,
          ...(tracking ? { tracking } : {}),
          ...(trackingUri ? { trackingUri } : {}),
          ...(trackingToken ? { trackingToken } : {}),
          workRoot: this.deps.workRoot,
          clock: this.clock,
          sleep: this.deps.sleep ?? realSleep,
          maxParallel: Math.max(1, this.deps.maxParallel ?? 2),
          onEvent,
          ...(signal ? { signal } : {}),
        },
        run,
        await this.deps.store.steps(runId),
        baseDir,
        commit,
      );
      error = await execution.execute();
    } catch (e) {
      error = `the runner failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    const end = this.clock.now();
    const status = error === CANCELLED ? "cancelled" : error ? "failed" : "succeeded";
    // Why it stopped: a `pipeline cancel`, or a lease lost to another process.
    if (status === "cancelled" && signal?.reason instanceof Error) error = signal.reason.message;
    await this.deps.store.update(runId, { status, endTime: end, ...(error ? { error } : {}) });
    const final = status === "cancelled" ? "KILLED" : error ? "FAILED" : "FINISHED";
    if (tracking && trackingRunId) await tracking.end(trackingRunId, final, end);
    return this.deps.store.get(runId);
  }
}

/** The spec's params with overrides; an override of an undeclared param is refused (a typo would be ignored). */
export function mergeParams(
  declared: Record<string, unknown>,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  const out = { ...declared };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in declared)) {
      const known = Object.keys(declared);
      throw invalidParam(`Unknown param '${key}' (the pipeline declares ${known.length ? known.join(", ") : "none"}).`);
    }
    out[key] = coerce(declared[key], value);
  }
  return out;
}

/** `--param n=5` arrives as text: give it the declared default's type when it parses as one. */
function coerce(declared: unknown, value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (typeof declared === "number" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  if (typeof declared === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}
