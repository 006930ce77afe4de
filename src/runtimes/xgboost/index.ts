/** The xgboost runtime: MLflow `xgboost` flavor folders scored in process. */

export { parseXgboostBytes, readXgboostFile, type XgboostFile, type XgboostFormat } from "./xgboost-file.js";
export { loadXgboostFolder, xgboostRuntime } from "./xgboost-runtime.js";
