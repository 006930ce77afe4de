/** Preprocessing fitted with the model: imputation, categorical encoding, standardization, splits. */
export { type FitPreprocessorOptions, fitPreprocessor } from "./fit.js";
export { preprocessorFromJSON } from "./json.js";
export { Preprocessor } from "./preprocessor.js";
export type { FeatureSpec, InputColumn, PreprocessKind, PreprocessorJSON } from "./spec.js";
export { type Split, stratifiedSplit } from "./split.js";
