/**
 * Pipelines as the CLI, the server and triggers use them: start from a file, list, show, resume,
 * with the spec's concurrency per pipeline name (`queue` waits for the running one, `skip` refuses).
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { invalidParam, MwError } from "../core/errors.js";
import type { PipelineNotifier } from "./notify.js";
import { parsePipeline } from "./parse-pipeline.js";
import type { PipelineRunner, StartOptions } from "./pipeline-runner.js";
import type { PipelineSpec } from "./pipeline-spec.js";
import type { StepEvent } from "./run-execution.js";
import type { PipelineRun, RunStore, StepRun } from "./run-store.js";

/** A run with its steps. */
export interface RunDetails {
  run: PipelineRun;
  steps: StepRun[];
}

/** Starts and inspects pipeline runs. Concurrency is enforced within this process. */
export class PipelineService {
  /** The tail of the work queued or running per pipeline name. */
  private readonly tails = new Map<string, { runId: string; done: Promise<unknown> }>();

  constructor(private readonly deps: { runner: PipelineRunner; store: RunStore; notify?: PipelineNotifier }) {}

  /** Parse a pipeline file (errors name its lines). */
  async load(path: string): Promise<PipelineSpec> {
    const abs = resolve(path);
    const text = await readFile(abs, "utf8").catch(() => {
      throw invalidParam(`Cannot read the pipeline file '${path}'.`);
    });
    return parsePipeline(text, abs);
  }

  /** Run the pipeline in `path` to its end. */
  async runFile(path: string, options: Omit<StartOptions, "specPath"> = {}): Promise<PipelineRun> {
    const abs = resolve(path);
    return this.run(await this.load(abs), { ...options, specPath: abs });
  }

  /** Run `spec` to its end: after the running one (queue) or not at all while one runs (skip). */
  async run(spec: PipelineSpec, options: StartOptions = {}): Promise<PipelineRun> {
    const busy = this.tails.get(spec.name);
    if (busy && spec.concurrency === "skip") {
      throw new MwError(
        "RESOURCE_CONFLICT",
        `Pipeline '${spec.name}' is already running (run ${busy.runId}); its concurrency is 'skip', so this run was not started.`,
      );
    }
    const run = await this.deps.runner.create(spec, options);
    return this.serialize(spec.name, run.id, () => this.deps.runner.execute(run.id, options.onEvent));
  }

  /** Continue a failed or crashed run (after any run of the same pipeline in progress here). */
  async resume(runId: string, onEvent?: (event: StepEvent) => void): Promise<PipelineRun> {
    const run = await this.deps.store.get(runId);
    const busy = this.tails.get(run.pipeline);
    if (busy?.runId === runId) throw new MwError("INVALID_STATE", `Pipeline run '${runId}' is running.`);
    return this.serialize(run.pipeline, runId, () => this.deps.runner.resume(runId, onEvent));
  }

  list(options: { pipeline?: string; limit?: number } = {}): Promise<PipelineRun[]> {
    return this.deps.store.list(options);
  }

  async show(runId: string): Promise<RunDetails> {
    return { run: await this.deps.store.get(runId), steps: await this.deps.store.steps(runId) };
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

  /** Run `work` after everything queued before it for `name`. */
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
