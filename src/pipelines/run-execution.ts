/**
 * One execution of a pipeline run: schedules ready steps (bounded parallelism), resolves their
 * settings, skips, reuses cached results, runs attempts, and persists every state change.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Clock } from "../core/clock.js";
import { newRunId } from "../core/ids.js";
import { cacheKey, missingPaths } from "./cache-key.js";
import { dependentsOf } from "./dag.js";
import { recordContainer } from "./orphaned-steps.js";
import type { StepSpec, StepType } from "./pipeline-spec.js";
import type { PipelineTracking } from "./pipeline-tracking.js";
import type { PipelineRun, RunStore, StepPatch, StepRun, StepRunStatus } from "./run-store.js";
import type { Sleep } from "./step-attempts.js";
import { CANCELLED, cancellableAttempt, runAttempts } from "./step-attempts.js";
import type { StepExecutor } from "./step-executor.js";
import { PermanentStepError } from "./step-executor.js";
import { isTruthy, resolveEnv, substitute } from "./substitute.js";

/** A step's state change, for progress output. */
export interface StepEvent {
  runId: string;
  step: string;
  status: StepRunStatus | "retrying";
  attempt?: number;
  error?: string;
  /** For `retrying`: the wait before the next attempt. */
  waitMs?: number;
  durationMs?: number;
}

/** What an execution needs from its runner. */
export interface ExecutionDeps {
  store: RunStore;
  executors: Map<StepType, StepExecutor>;
  tracking?: PipelineTracking;
  trackingUri?: string;
  trackingToken?: string;
  workRoot: string;
  clock: Clock;
  sleep: Sleep;
  maxParallel: number;
  onEvent(event: StepEvent): void;
  /** Aborted when the run is cancelled: no step starts after it, running steps see it. */
  signal?: AbortSignal;
}

const LOG_FLUSH_MS = 1000;
const DONE_OK: ReadonlySet<StepRunStatus> = new Set(["succeeded", "cached"]);

/** Runs the pending steps of `run`; resolves when no step can run any more. */
export class RunExecution {
  private readonly state = new Map<string, StepRun>();
  private readonly outputs: Record<string, Record<string, unknown>> = {};
  /** Steps skipped because their `when` was false: their dependents still run. */
  private readonly skippedByWhen = new Set<string>();

  constructor(
    private readonly deps: ExecutionDeps,
    private readonly run: PipelineRun,
    steps: StepRun[],
    private readonly baseDir: string,
    private readonly commit: string,
  ) {
    for (const s of steps) {
      this.state.set(s.step, s);
      if (DONE_OK.has(s.status) && s.outputs) this.outputs[s.step] = s.outputs;
    }
  }

  /** Run to the end; returns the first failure, if any. */
  async execute(): Promise<string | undefined> {
    const active = new Map<string, Promise<void>>();
    for (;;) {
      await this.skipBlocked();
      for (const spec of this.run.spec.steps) {
        if (active.size >= this.deps.maxParallel || this.deps.signal?.aborted) break;
        if (this.status(spec.name) !== "pending" || active.has(spec.name) || !this.ready(spec)) continue;
        active.set(
          spec.name,
          this.runStep(spec).finally(() => active.delete(spec.name)),
        );
      }
      if (active.size === 0) break;
      await Promise.race(active.values());
    }
    if (this.deps.signal?.aborted) {
      await this.skipPending(CANCELLED);
      return CANCELLED;
    }
    const failed = this.run.spec.steps.find((s) => this.status(s.name) === "failed");
    return failed
      ? `step '${failed.name}' failed: ${this.state.get(failed.name)?.error ?? "unknown error"}`
      : undefined;
  }

  private status(step: string): StepRunStatus {
    return this.state.get(step)?.status ?? "pending";
  }

  private ready(spec: StepSpec): boolean {
    return spec.needs.every((n) => DONE_OK.has(this.status(n)) || this.skippedByWhen.has(n));
  }

  /** Pending steps behind a failed (or failure-skipped) step are skipped, with the reason. */
  private async skipBlocked(): Promise<void> {
    for (const spec of this.run.spec.steps) {
      if (this.status(spec.name) !== "failed") continue;
      for (const name of dependentsOf(this.run.spec.steps, spec.name)) {
        if (this.status(name) !== "pending") continue;
        const reason = this.deps.signal?.aborted ? CANCELLED : `'${spec.name}' failed`;
        await this.set(name, { status: "skipped", error: `skipped: ${reason}` });
        this.deps.onEvent({ runId: this.run.id, step: name, status: "skipped", error: reason });
      }
    }
  }

  /** Every step still pending is skipped with `reason` (the run was cancelled). */
  private async skipPending(reason: string): Promise<void> {
    for (const spec of this.run.spec.steps) {
      if (this.status(spec.name) !== "pending") continue;
      await this.set(spec.name, { status: "skipped", error: `skipped: ${reason}` });
      this.deps.onEvent({ runId: this.run.id, step: spec.name, status: "skipped", error: reason });
    }
  }

  private async set(step: string, patch: StepPatch): Promise<void> {
    const current = this.state.get(step) as StepRun;
    this.state.set(step, { ...current, ...patch });
    await this.deps.store.updateStep(this.run.id, step, patch);
  }

  private async runStep(spec: StepSpec): Promise<void> {
    const started = this.deps.clock.now();
    const scope = { params: this.run.params, outputs: this.outputs };
    let resolved: StepSpec;
    let settings: Record<string, unknown>;
    try {
      if (spec.when !== undefined && !isTruthy(substitute(spec.when, scope, true))) {
        this.skippedByWhen.add(spec.name);
        await this.set(spec.name, {
          status: "skipped",
          error: `skipped: when '${spec.when}' is false`,
          endTime: started,
        });
        this.deps.onEvent({ runId: this.run.id, step: spec.name, status: "skipped", error: "when is false" });
        return;
      }
      settings = substitute(spec.with, scope);
      resolved = {
        ...spec,
        with: settings,
        ...(spec.run ? { run: substitute(spec.run, scope).map(String) } : {}),
        ...(spec.type === "command" || spec.type === "container"
          ? { env: resolveEnv({ ...this.run.spec.env, ...spec.env }, scope) }
          : {}),
        ...(spec.container ? { container: substitute(spec.container, scope) } : {}),
        inputs: substitute(spec.inputs, scope).map(String),
        outputs: substitute(spec.outputs, scope).map(String),
      };
    } catch (e) {
      return this.finishFailed(spec, started, 0, e);
    }
    const key = await cacheKey(
      {
        type: spec.type,
        settings,
        ...(resolved.run ? { run: resolved.run } : {}),
        ...(resolved.env && Object.keys(resolved.env).length > 0 ? { env: resolved.env } : {}),
        ...(resolved.container ? { container: resolved.container } : {}),
        inputs: resolved.inputs,
        outputs: resolved.outputs,
        params: this.run.params,
        commit: this.commit,
      },
      this.baseDir,
    );
    const trackingRunId = await this.trackingRun(spec, started);
    await this.set(spec.name, { cacheKey: key, trackingRunId, startTime: started, error: undefined });
    if (spec.cache && (await this.reuse(spec, resolved, key, started))) return;
    const executor = this.deps.executors.get(spec.type);
    if (!executor) return this.finishFailed(spec, started, 0, new Error(`no executor for step type '${spec.type}'`));
    const workDir = join(this.deps.workRoot, this.run.id, spec.name);
    await mkdir(workDir, { recursive: true });
    let log = "";
    let writing = Promise.resolve();
    // Appends are chained so they land in order; a long step's log is saved every second, so
    // `pipeline show` during the run, or after a crash, has it.
    const flush = () => {
      const text = log;
      log = "";
      writing = writing.catch(() => {}).then(() => this.deps.store.appendLog(this.run.id, spec.name, text));
      return writing;
    };
    const timer = setInterval(() => void flush().catch(() => {}), LOG_FLUSH_MS);
    timer.unref();
    try {
      const { value, attempts } = await runAttempts(
        spec.retries,
        spec.timeoutMs,
        this.deps.sleep,
        {
          starting: async (n) => {
            await this.set(spec.name, { status: "running", attempts: n });
            this.deps.onEvent({ runId: this.run.id, step: spec.name, status: "running", attempt: n });
          },
          retrying: async (n, error, waitMs) => {
            if (this.deps.signal?.aborted) throw new PermanentStepError(CANCELLED);
            log += `attempt ${n} failed: ${error.message}; retrying in ${waitMs}ms\n`;
            await flush();
            this.deps.onEvent({
              runId: this.run.id,
              step: spec.name,
              status: "retrying",
              attempt: n,
              error: error.message,
              waitMs,
            });
          },
        },
        (signal) =>
          cancellableAttempt(signal, this.deps.signal, (stepSignal) =>
            executor.run({
              pipelineRunId: this.run.id,
              runId: trackingRunId,
              step: resolved,
              settings,
              params: this.run.params,
              upstream: Object.fromEntries(spec.needs.map((n) => [n, this.outputs[n] ?? {}])),
              workDir,
              ...(this.deps.trackingUri ? { trackingUri: this.deps.trackingUri } : {}),
              ...(this.deps.trackingToken ? { trackingToken: this.deps.trackingToken } : {}),
              log: (line) => {
                log += `${line}\n`;
              },
              signal: stepSignal,
              baseDir: this.baseDir,
              pipeline: this.run.pipeline,
              trigger: { kind: this.run.trigger, data: this.run.triggerData ?? {} },
              onProcess: (p) => this.deps.store.updateStep(this.run.id, spec.name, { process: p }),
              onContainer: (c, gone) => recordContainer(this.deps.store, this.run.id, spec.name, c, gone),
            }),
          ),
      );
      const outputs = JSON.parse(JSON.stringify(value ?? {})) as Record<string, unknown>;
      const missing = await missingPaths(resolved.outputs, this.baseDir);
      if (missing.length > 0) throw new PermanentStepError(`declared outputs were not written: ${missing.join(", ")}`);
      await flush();
      this.outputs[spec.name] = outputs;
      await this.finish(spec, { status: "succeeded", attempts, outputs, cacheKey: key }, started);
    } catch (e) {
      log += `error: ${e instanceof Error ? e.message : String(e)}\n`;
      await flush();
      await this.finishFailed(spec, started, (e as { attempts?: number }).attempts ?? 1, e);
    } finally {
      clearInterval(timer);
    }
  }

  /** A previous successful result with the same key whose declared outputs still exist. */
  private async reuse(spec: StepSpec, resolved: StepSpec, key: string, started: number): Promise<boolean> {
    const hit = await this.deps.store.findCached(this.run.pipeline, key);
    if (!hit?.outputs || (await missingPaths(resolved.outputs, this.baseDir)).length > 0) return false;
    this.outputs[spec.name] = hit.outputs;
    await this.deps.store.appendLog(this.run.id, spec.name, `cached: reusing the result of run ${hit.runId}\n`);
    await this.finish(spec, { status: "cached", attempts: 0, outputs: hit.outputs, cacheKey: key }, started);
    return true;
  }

  private async finish(
    spec: StepSpec,
    o: {
      status: "succeeded" | "cached" | "failed";
      attempts: number;
      outputs?: Record<string, unknown>;
      cacheKey?: string;
      error?: string;
    },
    started: number,
  ): Promise<void> {
    const end = this.deps.clock.now();
    await this.set(spec.name, {
      status: o.status,
      attempts: o.attempts,
      ...(o.outputs ? { outputs: o.outputs } : {}),
      endTime: end,
      ...(o.error ? { error: o.error } : {}),
    });
    const runId = this.state.get(spec.name)?.trackingRunId;
    if (this.deps.tracking && runId) {
      await this.deps.tracking.endStep(runId, { ...o, durationMs: end - started }, end);
    }
    this.deps.onEvent({
      runId: this.run.id,
      step: spec.name,
      status: o.status,
      attempt: o.attempts,
      durationMs: end - started,
      ...(o.error ? { error: o.error } : {}),
    });
  }

  private finishFailed(spec: StepSpec, started: number, attempts: number, e: unknown): Promise<void> {
    const error = e instanceof Error ? e.message : String(e);
    return this.finish(spec, { status: "failed", attempts, error }, started);
  }

  /** The step's tracking run: the one from an earlier execution, or a new child of the pipeline's run. */
  private async trackingRun(spec: StepSpec, now: number): Promise<string> {
    const existing = this.state.get(spec.name)?.trackingRunId;
    if (existing) {
      if (this.deps.tracking) await this.deps.tracking.end(existing, "RUNNING", now);
      return existing;
    }
    if (!this.deps.tracking || !this.run.trackingRunId) return newRunId();
    return this.deps.tracking.startStep(this.run.trackingRunId, this.run.id, spec.name, spec.type, now);
  }
}
