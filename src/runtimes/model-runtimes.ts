/** The runtimes a process loads models with, most native first. */
import { lightgbmRuntime } from "./lightgbm/lightgbm-runtime.js";
import { nativeRuntime } from "./native/native-runtime.js";
import { onnxRuntimeDefault } from "./onnx/onnx-runtime.js";
import type { PythonRuntimeOptions } from "./python/python-runtime.js";
import { pythonRuntime } from "./python/python-runtime.js";
import type { RemoteRuntimeOptions } from "./remote/remote-runtime.js";
import { remoteRuntime } from "./remote/remote-runtime.js";
import type { ModelRuntime } from "./runtime.js";
import { xgboostRuntime } from "./xgboost/xgboost-runtime.js";

/**
 * In-process runtimes first (the platform's own packages, then XGBoost's and LightGBM's formats
 * read in TypeScript, then ONNX graphs run by the optional onnxruntime-node), then remote
 * endpoints (a `remote` flavor is all such a folder has), then the Python worker pool for flavors
 * only Python can load.
 */
export function modelRuntimes(
  python: PythonRuntimeOptions = {},
  remote: RemoteRuntimeOptions = {},
): readonly ModelRuntime[] {
  return [
    nativeRuntime,
    xgboostRuntime,
    lightgbmRuntime,
    onnxRuntimeDefault,
    remoteRuntime(remote),
    pythonRuntime(python),
  ];
}
