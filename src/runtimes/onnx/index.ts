/** The onnx runtime: MLflow `onnx` flavor folders scored with the optional onnxruntime-node. */

export { loadOnnxFolder, OnnxModel, onnxRuntime, onnxRuntimeDefault } from "./onnx-runtime.js";
export { loadOrt } from "./ort-module.js";
