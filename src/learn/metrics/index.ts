/** Model evaluation metrics (binary classification with slices, regression, multiclass), sklearn-compatible. */
export { type BinaryEvaluationOptions, evaluateBinary } from "./binary.js";
export { evaluateMulticlass } from "./multiclass.js";
export { evaluateRegression } from "./regression.js";
export type * from "./types.js";
