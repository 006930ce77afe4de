/**
 * The one interface every model runtime loads into (DESIGN.md: `runtimes/`, one sibling folder per
 * runtime). A runtime reads an MLflow model folder (its `MLmodel` flavors) and gives a
 * {@link LoadedModel}: batches in, scores out, asynchronously (Python workers and remote servers
 * answer later); in-process runtimes also offer a synchronous batch and one-row path so one-row
 * `/invocations` stays on the fast path.
 */
import type { Table } from "../data/table.js";
import type { RowScorer } from "../learn/package/load-model.js";
import type { ModelFaults } from "../learn/package/model-faults.js";
import type { ModelSignature } from "../learn/package/model-package.js";

/** What a model predicts (also its signature's `task`; multiclass signatures list `classes`). */
export type ModelKind = "binary" | "regression" | "multiclass";

/** The runtimes, most native first. */
export type RuntimeName = "native" | "xgboost" | "lightgbm" | "onnx" | "python" | "remote";

/**
 * Scores for a batch of `rows` rows.
 * - binary: `scores[i]` = P(positive class) (the label is `classes[1]` when ≥ the threshold);
 * - regression: `scores[i]` = the predicted value;
 * - multiclass: `scores[i * classes.length + k]` = P(class k), rows × classes, row-major.
 */
export interface ModelOutput {
  rows: number;
  scores: Float64Array;
}

/** A loaded model, whatever runtime answers for it. */
export interface LoadedModel {
  readonly runtime: RuntimeName;
  readonly kind: ModelKind;
  /** Inputs the model takes, in order (from the MLmodel signature, or the model's own feature names). */
  readonly signature: ModelSignature;
  /** Class labels: binary [negative, positive]; multiclass in score column order; absent for regression. */
  readonly classes?: readonly string[];
  /** Score a batch (may queue, micro-batch or call out); rejects with an MwError on failure. */
  predict(table: Table): Promise<ModelOutput>;
  /** The same, synchronously, for in-process runtimes. */
  predictSync?(table: Table): ModelOutput;
  /** A one-row scorer (binary/regression in-process runtimes), as the native packages have. */
  rowScorer?(): RowScorer;
  /** Injected faults of a test package (`models fault`); serving reads `delay_ms`. */
  readonly faults?: ModelFaults;
  /** Release workers, sessions or connections. */
  close?(): Promise<void>;
}

/** The parsed `MLmodel` file of a model folder. */
export interface MlModelFile {
  /** Flavor name → its settings as written (e.g. `xgboost: {data, model_class, model_format}`). */
  flavors: Record<string, Record<string, unknown>>;
  /** MLflow's signature, when logged: inputs/outputs as parsed JSON column or tensor specs. */
  signature?: { inputs?: unknown[]; outputs?: unknown[] };
  runId?: string;
  /** The whole document, for anything else a runtime needs. */
  raw: Record<string, unknown>;
}

/** What loading may use besides the folder. */
export interface RuntimeContext {
  /** Told about things worth a warning (e.g. requirements that differ from the interpreter's). */
  warn?: (message: string) => void;
}

/** One runtime: which folders it can load, and loading them. */
export interface ModelRuntime {
  readonly name: RuntimeName;
  /** True when this runtime can load a folder with these flavors. */
  accepts(mlmodel: MlModelFile): boolean;
  /**
   * Load the model in `dir` (which holds `MLmodel`); refuses a bad folder with INVALID_PARAMETER_VALUE
   * naming the file and the problem (missing, truncated, wrong flavor, unknown objective).
   */
  load(dir: string, mlmodel: MlModelFile, context: RuntimeContext): Promise<LoadedModel>;
}
