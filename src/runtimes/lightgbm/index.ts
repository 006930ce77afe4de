/** The lightgbm runtime: MLflow `lightgbm` flavor folders scored in process. */

export { type LightgbmFile, parseLightgbmBytes, readLightgbmFile } from "./lightgbm-file.js";
export { lightgbmRuntime, loadLightgbmFolder } from "./lightgbm-runtime.js";
