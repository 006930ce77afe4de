/**
 * The `python` runtime: scikit-learn and any other `python_function` model, scored out of process by
 * a pool of Python workers (worker.py). MLflow's loaders are used when the interpreter can import
 * MLflow; otherwise the sklearn flavor's pickle is opened directly. Classifiers score with
 * `predict_proba` (binary: the positive class; multiclass: every class, `classes_` order).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { invalidParam, MwError } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import type { ModelSignature, SignatureInput } from "../../learn/package/model-package.js";
import type { LoadedModel, MlModelFile, ModelKind, ModelOutput, ModelRuntime, RuntimeContext } from "../runtime.js";
import { pythonModelConfig } from "./model-config.js";
import { environmentWarnings, readRecordedEnvironment } from "./requirements.js";
import { toWireBatch } from "./table-wire.js";
import type { PoolStats } from "./worker-pool.js";
import { WorkerPool } from "./worker-pool.js";

/** Settings of the Python runtime (the CLI fills them from `MODELWORKS_PYTHON` and `--python-workers`). */
export interface PythonRuntimeOptions {
  /** The interpreter; default `python3`. */
  python?: string;
  /** Worker processes per loaded model; default 2. */
  workers?: number;
  /** Rows one worker call may carry (queued requests are batched up to this); default 4096. */
  maxBatchRows?: number;
  /** A call that takes longer kills and restarts its worker (its requests fail with 503); default 30 s. */
  timeoutMs?: number;
  /** Starting a worker and loading the model; default 120 s. */
  startTimeoutMs?: number;
  /** Extra environment for the workers (e.g. PYTHONPATH). */
  env?: Record<string, string | undefined>;
}

export const PYTHON_DEFAULTS = {
  python: "python3",
  workers: 2,
  maxBatchRows: 4096,
  timeoutMs: 30_000,
  startTimeoutMs: 120_000,
};

/** worker.py beside this module: src/ under tsx, dist/ once built (the build copies it). */
export function workerScriptPath(): string {
  const path = fileURLToPath(new URL("./worker.py", import.meta.url));
  if (!existsSync(path))
    throw new MwError("INTERNAL_ERROR", `the Python worker script '${path}' is missing (rebuild).`);
  return path;
}

/** The runtime: accepts folders with a sklearn or python_function flavor. */
export function pythonRuntime(options: PythonRuntimeOptions = {}): ModelRuntime {
  return {
    name: "python",
    accepts: (mlmodel) => "sklearn" in mlmodel.flavors || "python_function" in mlmodel.flavors,
    load: (dir, mlmodel, context) => loadPythonModel(dir, mlmodel, context, options),
  };
}

/** Start the workers on the folder's model; refuses a folder that cannot load with the file and the problem. */
export async function loadPythonModel(
  dir: string,
  mlmodel: MlModelFile,
  context: RuntimeContext,
  options: PythonRuntimeOptions = {},
): Promise<PythonModel> {
  const settings = { ...PYTHON_DEFAULTS, ...definedOnly(options) };
  for (const key of ["workers", "maxBatchRows", "timeoutMs", "startTimeoutMs"] as const) {
    if (!Number.isInteger(settings[key]) || settings[key] <= 0) {
      throw invalidParam(`python runtime: ${key} must be a positive integer, got ${settings[key]}.`);
    }
  }
  const config = await pythonModelConfig(dir, mlmodel);
  const recorded = await readRecordedEnvironment(dir, config.pythonEnvFile);
  let started: Awaited<ReturnType<typeof WorkerPool.start>>;
  try {
    started = await WorkerPool.start({
      ...settings,
      script: workerScriptPath(),
      load: { ...config.load, requirements: recorded.requirements.map((r) => r.name) },
      ...(context.warn ? { warn: context.warn } : {}),
    });
  } catch (e) {
    if (e instanceof MwError) throw invalidParam(`'${dir}': ${e.message}`);
    throw e;
  }
  const { pool, hello } = started;
  const installed = (hello.installed ?? {}) as Record<string, string | null>;
  const interpreter = { label: settings.python, python: String(hello.python), installed };
  for (const warning of environmentWarnings(recorded, interpreter)) context.warn?.(`'${dir}': ${warning}`);
  const features = Array.isArray(hello.features) ? (hello.features as string[]) : undefined;
  const inputs = config.inputs ?? features?.map((name): SignatureInput => ({ name, type: "float" }));
  if (!inputs) {
    await pool.close();
    throw invalidParam(`'${dir}/MLmodel' has no input signature and the model does not record its input names.`);
  }
  const classes = Array.isArray(hello.classes) ? (hello.classes as string[]).map(String) : undefined;
  const loader = String(hello.loader);
  return new PythonModel(pool, hello.kind as ModelKind, inputs, classes, {
    loader,
    maxBatchRows: settings.maxBatchRows,
  });
}

/** A model answered by the worker pool. */
export class PythonModel implements LoadedModel {
  readonly runtime = "python" as const;
  readonly signature: ModelSignature;

  constructor(
    private readonly pool: WorkerPool,
    readonly kind: ModelKind,
    inputs: readonly SignatureInput[],
    readonly classes: readonly string[] | undefined,
    private readonly settings: { loader: string; maxBatchRows: number },
  ) {
    this.signature = { task: kind, inputs: [...inputs] };
    if (kind === "multiclass" && classes) this.signature.classes = [...classes];
    if (kind === "binary" && classes) {
      Object.assign(this.signature, { negative_class: classes[0], positive_class: classes[1], threshold: 0.5 });
    }
  }

  /** How the worker loaded the model: mlflow.sklearn, mlflow.pyfunc, pickle or cloudpickle. */
  get loader(): string {
    return this.settings.loader;
  }

  /** Score a batch; big batches are split across workers. Rejects 400 on bad input, 503 when a worker died. */
  async predict(table: Table): Promise<ModelOutput> {
    const rows = table.numRows;
    const width = this.kind === "multiclass" ? (this.classes?.length ?? 0) : 1;
    if (rows === 0) return { rows: 0, scores: new Float64Array(0) };
    const chunk = this.settings.maxBatchRows;
    const parts: Table[] = [];
    for (let at = 0; at < rows; at += chunk) parts.push(rows <= chunk ? table : table.slice(at, at + chunk));
    const answers = await Promise.all(parts.map((t) => this.pool.submit(toWireBatch(t, this.signature.inputs))));
    if (answers.some((a) => a.width !== width)) {
      throw new MwError(
        "INTERNAL_ERROR",
        `the Python model answered ${answers[0]?.width} scores per row, expected ${width}`,
      );
    }
    if (answers.length === 1) return { rows, scores: (answers[0] as { scores: Float64Array }).scores };
    const scores = new Float64Array(rows * width);
    let at = 0;
    for (const a of answers) {
      scores.set(a.scores, at);
      at += a.scores.length;
    }
    return { rows, scores };
  }

  /** The pool's counters (calls, requests, rows, restarts, lost requests). */
  stats(): PoolStats {
    return this.pool.stats();
  }

  /** Each worker's pid, state and in-flight request count. */
  workers(): ReturnType<WorkerPool["workers"]> {
    return this.pool.workers();
  }

  /** Stop the workers. */
  close(): Promise<void> {
    return this.pool.close();
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
