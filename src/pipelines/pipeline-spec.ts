/**
 * A pipeline as its YAML file describes it: named steps of a type, their dependencies, parameters,
 * retries, timeout and caching, and the triggers that start it. Parsed and validated by
 * `parse-pipeline.ts` with errors naming the line and the field.
 */

/** Built-in step types, plus `command` (any executable) and `container` (an image, on Kubernetes or Docker/Podman). */
export const STEP_TYPES = [
  "ingest",
  "validate",
  "train",
  "evaluate",
  "gate",
  "register",
  "deploy",
  "command",
  "container",
] as const;
export type StepType = (typeof STEP_TYPES)[number];

/** Retries of a failed step: up to `limit` more attempts, waiting `backoffMs` × `factor`^n (at most `maxBackoffMs`). */
export interface RetrySpec {
  limit: number;
  backoffMs: number;
  factor: number;
  maxBackoffMs: number;
}

/** One step. `with` holds the type's settings; strings may refer to `${params.X}` and `${steps.S.outputs.Y}`. */
export interface StepSpec {
  name: string;
  type: StepType;
  needs: string[];
  with: Record<string, unknown>;
  /** For `command`: the executable and its arguments (no shell). */
  run?: string[];
  /** For `command` and `container`: variables it gets besides the platform's own (over the pipeline's `env`). */
  env?: EnvSpec;
  /** For `container`: the image and what it runs. */
  container?: ContainerSpec;
  /** Files or folders the step reads (content-digested for the cache key) and writes. */
  inputs: string[];
  outputs: string[];
  /** Run only when this resolves to true (e.g. `${steps.gate.outputs.promote}`). */
  when?: string;
  retries: RetrySpec;
  timeoutMs: number;
  /** Reuse a previous successful result with the same cache key (default false: stale data is worse than slow). */
  cache: boolean;
  /** The 1-based line of the step in its file, for messages. */
  line?: number;
}

/**
 * An environment variable of a `command` step: literal text (it may refer to `${params.X}` and
 * `${steps.S.outputs.Y}`), or a secret taken from the platform process's environment when the
 * step starts (only its name is stored with the run).
 */
export type EnvValue = string | { secretEnv: string } | { secretRef: SecretRef };

/** A key of a Kubernetes Secret (container steps on Kubernetes only): the value never leaves the cluster. */
export interface SecretRef {
  name: string;
  key: string;
}

/**
 * What a `container` step runs: `command` replaces the image's entrypoint, `args` its arguments;
 * `resources` are Kubernetes quantities (`cpu: 500m`, `memory: 2Gi`), requested and limited.
 */
export interface ContainerSpec {
  image: string;
  command?: string[];
  args?: string[];
  resources?: { cpu?: string; memory?: string };
}

/** Variable name → value. */
export type EnvSpec = Record<string, EnvValue>;

/** What starts a pipeline besides `modelworks pipeline run`. A git trigger always has a secret. */
export type TriggerSpec =
  | { type: "cron"; schedule: string; timezone?: string }
  | { type: "git"; branch?: string; secretEnv: string }
  | { type: "folder"; path: string; pattern?: string }
  | { type: "alert"; deployment?: string; rule?: string }
  /** `alias` set: the alias moved; absent: a new version of `model` was registered. */
  | { type: "registry"; model: string; alias?: string };

/** A whole pipeline. */
export interface PipelineSpec {
  name: string;
  description?: string;
  params: Record<string, unknown>;
  /** A run that starts while one is running: `queue` it (default) or `skip` it. */
  concurrency: "queue" | "skip";
  triggers: TriggerSpec[];
  /** Variables every `command` step gets (a step's own `env` wins). */
  env?: EnvSpec;
  steps: StepSpec[];
  /** Who is told when a run fails (absent: nobody). */
  notify?: NotifySpec[];
}

/** A target told once when a run fails: a signed JSON webhook, a Slack-compatible webhook, or a log line. */
export type NotifySpec =
  | { type: "webhook"; url: string; secretEnv?: string }
  | { type: "slack"; url: string }
  | { type: "log" };
