/**
 * onnxruntime session options from the onnx flavor's `onnx_session_options` (as `mlflow.onnx` saves
 * them: intra_op_num_threads, inter_op_num_threads, execution_mode, graph_optimization_level).
 * Unset, a session computes on one thread: serving runs many small batches, and onnxruntime-node
 * runs a batch on the event loop's thread, so a pool of spinning threads would only take CPU from
 * the server.
 */
import { invalidParam } from "../../core/errors.js";
import type { OrtSessionOptions } from "./ort-module.js";

/** ORT's GraphOptimizationLevel numbers as MLflow stores them. */
const LEVELS: Record<number, OrtSessionOptions["graphOptimizationLevel"]> = {
  0: "disabled",
  1: "basic",
  2: "extended",
  99: "all",
};

/** The session options for a flavor; `where` (the MLmodel path) starts every error. */
export function sessionOptions(flavor: Record<string, unknown>, where: string): OrtSessionOptions {
  const options: OrtSessionOptions = { intraOpNumThreads: 1 };
  const saved = flavor.onnx_session_options;
  if (saved === undefined || saved === null) return options;
  if (typeof saved !== "object" || Array.isArray(saved))
    throw invalidParam(`'${where}': onnx_session_options must be a mapping.`);
  const o = saved as Record<string, unknown>;
  const threads = (key: string) => {
    const v = o[key];
    if (v === undefined || v === null || v === 0) return undefined;
    if (!Number.isInteger(v) || (v as number) < 0)
      throw invalidParam(`'${where}': onnx_session_options.${key} must be a whole number, got ${String(v)}.`);
    return v as number;
  };
  const intra = threads("intra_op_num_threads");
  const inter = threads("inter_op_num_threads");
  if (intra !== undefined) options.intraOpNumThreads = intra;
  if (inter !== undefined) options.interOpNumThreads = inter;
  const mode = o.execution_mode;
  if (typeof mode === "string") {
    const m = mode.toLowerCase();
    if (m !== "sequential" && m !== "parallel")
      throw invalidParam(
        `'${where}': onnx_session_options.execution_mode must be sequential or parallel, got '${mode}'.`,
      );
    options.executionMode = m;
  }
  const level = o.graph_optimization_level;
  if (level !== undefined && level !== null) {
    const name = LEVELS[level as number];
    if (!name)
      throw invalidParam(
        `'${where}': onnx_session_options.graph_optimization_level must be 0, 1, 2 or 99, got ${String(level)}.`,
      );
    options.graphOptimizationLevel = name;
  }
  return options;
}
