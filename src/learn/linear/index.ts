/** Linear models. */
export {
  type LogisticJSON,
  LogisticModel,
  type LogisticOptions,
  type LogisticParams,
  logisticFromJSON,
  trainLogistic,
} from "./logistic.js";
