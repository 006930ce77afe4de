/**
 * How a step of a type runs: the runner resolves the step's settings, then hands them to the
 * executor of its type, which returns the step's outputs (small JSON values other steps refer to).
 */
import type { StepSpec } from "./pipeline-spec.js";
import type { StepContainer, StepProcess } from "./run-store.js";

/** What an executor gets for one attempt of one step. */
export interface StepContext {
  pipelineRunId: string;
  /** The step's own tracking run (a child of the pipeline's run). */
  runId: string;
  /** After substitution; for `command` steps `env` holds the pipeline's and the step's variables. */
  step: StepSpec;
  /** `with` after `${params.X}` / `${steps.S.outputs.Y}` substitution. */
  settings: Record<string, unknown>;
  params: Record<string, unknown>;
  /** Outputs of the steps it needs, by step name. */
  upstream: Record<string, Record<string, unknown>>;
  /** A folder of its own for files it writes. */
  workDir: string;
  /** The tracking server's URI, for commands (MLFLOW_TRACKING_URI / MODELWORKS_TRACKING_URI). */
  trackingUri?: string;
  /** A token for that server (MLFLOW_TRACKING_TOKEN / MODELWORKS_TOKEN), when it checks callers. */
  trackingToken?: string;
  /** Write a line to the step's log. */
  log(line: string): void;
  /** Aborted on timeout or cancellation. */
  signal: AbortSignal;
  /** The pipeline file's folder: relative paths in settings, inputs and outputs resolve against it. */
  baseDir?: string;
  /** The pipeline's name (for executors that name things after it, e.g. an experiment). */
  pipeline?: string;
  /** What started the run (`git`, `folder`, ...) and the details it passed (branch, commit, file...). */
  trigger?: { kind: string; data: Record<string, unknown> };
  /** Record the process group the step runs (undefined: it is gone), so a crash can be cleaned up after. */
  onProcess?(process: StepProcess | undefined): Promise<void>;
  /**
   * Record the Job or container the step started, for the same reason; `gone` clears the record if
   * it still names that one (a later attempt's own record stays).
   */
  onContainer?(container: StepContainer, gone?: boolean): Promise<void>;
}

/** Runs the steps of one type. A thrown error fails the attempt (retries apply). */
export interface StepExecutor {
  run(ctx: StepContext): Promise<Record<string, unknown>>;
}

/** A failure that retrying cannot fix (a failed validation, a bad setting): the runner does not retry it. */
export class PermanentStepError extends Error {
  override readonly name = "PermanentStepError";
}
