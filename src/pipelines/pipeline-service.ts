/**
 * Pipelines as the CLI, the server and triggers use them: start from a file, list, show, resume,
 * cancel, with the spec's concurrency per pipeline name across processes (`queue` waits for the
 * running one, `skip` refuses) through a lease in the store.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { OutboundPolicy } from "../auth/outbound-policy.js";
import { invalidParam, MwError } from "../core/errors.js";
import { markCancelled, requestRunCancel } from "./cancel-run.js";
import type { PipelineNotifier } from "./notify.js";
import type { LeftContainers } from "./orphaned-steps.js";
import { requireNoOrphans } from "./orphaned-steps.js";
import { parsePipeline } from "./parse-pipeline.js";
import type { PipelineRunner, StartOptions } from "./pipeline-runner.js";
import type { PipelineSpec } from "./pipeline-spec.js";
import type { StepEvent } from "./run-execution.js";
import type { HeldLease, RunLeases } from "./run-lease.js";
import { newHolder } from "./run-lease.js";
import type { PipelineRun, RunStore, StepRun } from "./run-store.js";

/** A run with its steps. */
export interface RunDetails {
  run: PipelineRun;
  steps: StepRun[];
}

/** Starts and inspects pipeline runs; one run per pipeline name at a time, in any process. */
/** Starts the pipelines a process runs by name (the platform API's start route; `up --pipeline`). */
export interface PipelineStarter {
  has(name: string): boolean;
  /** Start a run with `params` over the declared ones; rejects as {@link PipelineService.start} does. */
  start(name: string, params: Record<string, unknown>): Promise<PipelineRun>;
}

export class PipelineService {
  /** The tail of the work queued or running per pipeline name in this process (keeps local order). */
  private readonly tails = new Map<string, { runId: string; done: Promise<unknown> }>();
  /** Runs executing in this process, so a local cancel is immediate. */
  private readonly active = new Map<string, AbortController>();
  /** Set by {@link shutdown}: queued runs no longer start here. */
  private stopping = false;

  constructor(
    private readonly deps: {
      runner: PipelineRunner;
      store: RunStore;
      leases: RunLeases;
      notify?: PipelineNotifier;
      /** When set, notify URLs it refuses fail the load (they would be refused when called anyway). */
      outbound?: OutboundPolicy;
      /** Deletes what a crashed process's container steps left (before a resume or a cancel). */
      containers?: LeftContainers;
    },
  ) {}

  /** Parse a pipeline file (errors name its lines). */
  async load(path: string): Promise<PipelineSpec> {
    const abs = resolve(path);
    const text = await readFile(abs, "utf8").catch(() => {
      throw invalidParam(`Cannot read the pipeline file '${path}'.`);
    });
    const spec = parsePipeline(text, abs);
    (spec.notify ?? []).forEach((n, i) => {
      const problem = n.type === "log" ? undefined : this.deps.outbound?.check(n.url);
      if (problem) throw invalidParam(`${abs}: Invalid value for 'notify[${i}].${n.type}': ${problem}.`);
    });
    return spec;
  }

  /** Run the pipeline in `path` to its end. */
  async runFile(path: string, options: Omit<StartOptions, "specPath"> = {}): Promise<PipelineRun> {
    const abs = resolve(path);
    return this.run(await this.load(abs), { ...options, specPath: abs });
  }

  /** Run `spec` to its end: after the running one (queue) or not at all while one runs anywhere (skip). */
  async run(spec: PipelineSpec, options: StartOptions = {}): Promise<PipelineRun> {
    return (await this.start(spec, options)).done;
  }

  /**
   * Create a run of `spec` and set it going; resolves once the run exists (a `skip` refusal or bad
   * params reject here), with `done` for its end.
   */
  async start(
    spec: PipelineSpec,
    options: StartOptions = {},
  ): Promise<{ run: PipelineRun; done: Promise<PipelineRun> }> {
    const busy = this.tails.get(spec.name);
    if (spec.concurrency === "skip") {
      const holder = newHolder();
      const taken = busy ? { heldBy: busy.runId } : await this.deps.leases.tryTake(spec.name, holder);
      if ("heldBy" in taken) throw alreadyRunning(spec.name, taken.heldBy);
      const run = await this.deps.runner.create(spec, options).catch(async (e: unknown) => {
        await taken.release();
        throw e;
      });
      await taken.cover(run.id);
      return { run, done: this.serialize(spec.name, run.id, () => this.execute(taken, run.id, options.onEvent)) };
    }
    const run = await this.deps.runner.create(spec, options);
    const done = this.serialize(spec.name, run.id, async () => {
      const lease = await this.deps.leases.waitFor(spec.name, newHolder(), run.id);
      if (!lease) return this.cancelledBeforeStart(run.id);
      return this.execute(lease, run.id, options.onEvent);
    });
    return { run, done };
  }

  /**
   * Continue a failed, cancelled or crashed run (after any run of the same pipeline in progress). A
   * run whose process on this machine is gone is marked interrupted at once; a step's command that
   * process left running is stopped first, and the resume is refused while one may still run.
   */
  async resume(runId: string, onEvent?: (event: StepEvent) => void): Promise<PipelineRun> {
    let run = await this.deps.store.get(runId);
    if (run.status === "running" && !this.active.has(runId)) {
      await this.deps.leases.recover(run.pipeline);
      run = await this.deps.store.get(runId);
    }
    if (
      this.active.has(runId) ||
      (run.status === "running" && !(await this.deps.leases.orphaned(run.pipeline, runId)))
    ) {
      throw new MwError("INVALID_STATE", `Pipeline run '${runId}' is running.`);
    }
    // Resuming a cancelled run takes the cancellation back.
    if (run.status === "cancelled" || run.cancelRequested) {
      await this.deps.store.update(runId, {
        status: "queued",
        cancelRequested: false,
        error: undefined,
        leaseHolder: undefined,
      });
    }
    return this.serialize(run.pipeline, runId, async () => {
      const lease = await this.deps.leases.waitFor(run.pipeline, newHolder(), runId);
      if (!lease) return this.deps.store.get(runId);
      return this.execute(lease, runId, onEvent, true);
    });
  }

  /**
   * Stop a run: a queued one never starts; a running one's steps are aborted (commands are killed)
   * by the process running it, within a second or so; a run whose process stopped is marked at once.
   */
  async cancel(runId: string): Promise<PipelineRun> {
    const local = this.active.get(runId);
    // Running here: abort at once; the flag still tells everyone else.
    if (local) {
      await this.deps.store.requestCancel(runId);
      local.abort(new Error("cancelled"));
      return this.deps.store.get(runId);
    }
    const { store, leases, containers } = this.deps;
    return requestRunCancel({ store, leases, now: Date.now, ...(containers ? { containers } : {}) }, runId);
  }

  /**
   * After a crash: for each pipeline whose lease was held by a process of this machine that is gone,
   * mark its run interrupted and stop what its steps left running (e.g. when `up` starts).
   */
  async recover(pipelines: readonly string[]): Promise<string[]> {
    const runs: string[] = [];
    for (const name of pipelines) {
      const runId = await this.deps.leases.recover(name);
      if (runId) runs.push(runId);
    }
    return runs;
  }

  /**
   * Stop every run executing in this process (the process is stopping): their commands' groups are
   * stopped and the runs end `cancelled`, to be resumed later. Waits at most `waitMs` for them.
   */
  async shutdown(waitMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const [runId, controller] of this.active) {
      controller.abort(
        new Error(
          `interrupted: the process running it stopped; continue it with 'modelworks pipeline resume ${runId}'`,
        ),
      );
    }
    const pending = [...this.tails.values()].filter((t) => this.active.has(t.runId)).map((t) => t.done);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((done) => {
      timer = setTimeout(done, waitMs);
    });
    await Promise.race([Promise.all(pending), timeout]);
    clearTimeout(timer);
  }

  /** True when a stored run was started by this webhook delivery. */
  async deliverySeen(delivery: { id?: string; digest: string }): Promise<boolean> {
    return (await this.deps.store.findDelivery(delivery)) !== undefined;
  }

  list(options: { pipeline?: string; limit?: number } = {}): Promise<PipelineRun[]> {
    return this.deps.store.list(options);
  }

  async show(runId: string): Promise<RunDetails> {
    return { run: await this.deps.store.get(runId), steps: await this.deps.store.steps(runId) };
  }

  /** Execute (or resume) `runId` while holding `lease`; a cancel request aborts it. */
  private async execute(
    lease: HeldLease,
    runId: string,
    onEvent?: (event: StepEvent) => void,
    resume = false,
  ): Promise<PipelineRun> {
    if (this.stopping) {
      await lease.release();
      return this.deps.store.get(runId);
    }
    const controller = new AbortController();
    const onLease = () => controller.abort(lease.signal.reason);
    lease.signal.addEventListener("abort", onLease, { once: true });
    this.active.set(runId, controller);
    try {
      if ((await this.deps.store.get(runId)).status === "cancelled") return this.deps.store.get(runId);
      const runner = this.deps.runner;
      if (!resume) return await runner.execute(runId, onEvent, controller.signal);
      // Never a second copy of a step whose command may still run.
      await requireNoOrphans(this.deps.store, runId, this.deps.containers);
      return await runner.resume(runId, onEvent, controller.signal);
    } finally {
      this.active.delete(runId);
      lease.signal.removeEventListener("abort", onLease);
      await lease.release();
    }
  }

  private async cancelledBeforeStart(runId: string): Promise<PipelineRun> {
    await markCancelled({ store: this.deps.store, now: Date.now }, runId);
    return this.deps.store.get(runId);
  }

  /** Tell the pipeline's notify targets about a failed run; notification problems never fail the run. */
  private async told(run: PipelineRun): Promise<void> {
    if (!this.deps.notify || run.status !== "failed" || !run.spec.notify?.length) return;
    const notify = this.deps.notify;
    await this.deps.store
      .steps(run.id)
      .then((steps) => notify(run.spec, run, steps))
      .catch(() => {});
  }

  /** Run `work` after everything queued before it for `name` in this process. */
  private serialize(name: string, runId: string, work: () => Promise<PipelineRun>): Promise<PipelineRun> {
    const previous = this.tails.get(name)?.done ?? Promise.resolve();
    const result = previous
      .catch(() => {})
      .then(work)
      .then(async (run) => {
        await this.told(run);
        return run;
      });
    const done = result.catch(() => {});
    this.tails.set(name, { runId, done });
    void done.then(() => {
      if (this.tails.get(name)?.done === done) this.tails.delete(name);
    });
    return result;
  }
}

function alreadyRunning(pipeline: string, runId: string): MwError {
  return new MwError(
    "RESOURCE_CONFLICT",
    `Pipeline '${pipeline}' is already running (run ${runId}); its concurrency is 'skip', so this run was not started.`,
  );
}
