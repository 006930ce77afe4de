/**
 * The `train` step: what `modelworks train` does, through a {@link Trainer} the edge wires in (the
 * CLI passes its tracked training), so this module does not depend on the command line.
 */
import { resolve } from "node:path";
import type { StepExecutor } from "../step-executor.js";
import { PermanentStepError } from "../step-executor.js";
import { knownSettings, optionalString, requiredString } from "./settings.js";

/** One training as the step asks for it. */
export interface TrainRequest {
  /** A dataset version `NAME[@VERSION]` or a file path (absolute when it names an existing file). */
  data: string;
  eval?: string;
  label: string;
  algo: "gbdt" | "linear";
  /** What to fit (default binary), as `--task`. */
  task?: "binary" | "regression";
  /** `k=v` hyper-parameters, as `--param`. */
  params: string[];
  seed: number;
  experiment: string;
  register?: string;
  positive?: string;
  slice?: string;
  /** The folder relative paths resolve against. */
  cwd: string;
  /** Extra run tags (the step's run as parent). */
  tags: { key: string; value: string }[];
  log(line: string): void;
}

/** The `train --json` result. */
export interface TrainResult {
  run_id: string;
  model: { name: string; version: string } | null;
  metrics: Record<string, number | null>;
}

export type Trainer = (req: TrainRequest) => Promise<TrainResult>;

const KEYS = ["data", "eval", "label", "task", "algo", "params", "seed", "experiment", "register", "positive", "slice"];

/** `with: {data, label, task?, algo?, params?: {k: v}, seed?, eval?, experiment?, register?}` → `{run_id, model, version, metrics}`. */
export function trainExecutor(deps: { train: Trainer }): StepExecutor {
  return {
    run: async (ctx) => {
      const s = ctx.settings;
      const step = ctx.step.name;
      knownSettings(s, KEYS, step);
      const algo = (optionalString(s, "algo", step) ?? "gbdt") as TrainRequest["algo"];
      if (algo !== "gbdt" && algo !== "linear")
        throw new PermanentStepError(`step '${step}': with.algo must be gbdt or linear`);
      const task = optionalString(s, "task", step) ?? "binary";
      if (task !== "binary" && task !== "regression")
        throw new PermanentStepError(`step '${step}': with.task must be binary or regression`);
      const seed = s.seed === undefined ? 42 : Number(s.seed);
      if (!Number.isSafeInteger(seed) || seed < 0)
        throw new PermanentStepError(`step '${step}': with.seed must be a non-negative integer`);
      const params = s.params ?? {};
      if (typeof params !== "object" || params === null || Array.isArray(params)) {
        throw new PermanentStepError(`step '${step}': with.params must be a mapping of hyper-parameters`);
      }
      const cwd = ctx.baseDir ?? process.cwd();
      const evalRef = optionalString(s, "eval", step);
      const register = optionalString(s, "register", step);
      const positive = optionalString(s, "positive", step);
      const slice = optionalString(s, "slice", step);
      const result = await deps.train({
        data: dataRef(requiredString(s, "data", step), cwd),
        ...(evalRef ? { eval: dataRef(evalRef, cwd) } : {}),
        label: requiredString(s, "label", step),
        algo,
        task,
        params: Object.entries(params).map(([k, v]) => `${k}=${String(v)}`),
        seed,
        experiment: optionalString(s, "experiment", step) ?? `pipeline:${ctx.pipeline ?? "default"}`,
        ...(register ? { register } : {}),
        ...(positive ? { positive } : {}),
        ...(slice ? { slice } : {}),
        cwd,
        tags: [
          { key: "mlflow.parentRunId", value: ctx.runId },
          { key: "modelworks.pipeline_run_id", value: ctx.pipelineRunId },
        ],
        log: ctx.log,
      });
      return {
        run_id: result.run_id,
        model: result.model?.name ?? null,
        version: result.model?.version ?? null,
        metrics: result.metrics,
      };
    },
  };
}

/** Paths that look like files resolve against the pipeline folder; `NAME@VERSION` stays as is. */
function dataRef(ref: string, cwd: string): string {
  return /[/\\]|\.(csv|tsv|parquet|pq)$/i.test(ref) ? resolve(cwd, ref) : ref;
}
