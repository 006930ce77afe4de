/** Model evaluation metrics (binary classification with slices, regression), sklearn-compatible. */
export { type BinaryEvaluationOptions, evaluateBinary } from "./binary.js";
export { evaluateRegression } from "./regression.js";
export type * from "./types.js";
