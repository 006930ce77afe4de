/** The runtimes a process loads models with, most native first. */
import { nativeRuntime } from "./native/native-runtime.js";
import { onnxRuntimeDefault } from "./onnx/onnx-runtime.js";
import type { PythonRuntimeOptions } from "./python/python-runtime.js";
import { pythonRuntime } from "./python/python-runtime.js";
import type { ModelRuntime } from "./runtime.js";
import { xgboostRuntime } from "./xgboost/xgboost-runtime.js";

/**
 * In-process runtimes first (the platform's own packages, then XGBoost's formats read in
 * TypeScript, then ONNX graphs run by the optional onnxruntime-node), then the Python worker pool
 * for flavors only Python can load.
 */
export function modelRuntimes(python: PythonRuntimeOptions = {}): readonly ModelRuntime[] {
  return [nativeRuntime, xgboostRuntime, onnxRuntimeDefault, pythonRuntime(python)];
}
