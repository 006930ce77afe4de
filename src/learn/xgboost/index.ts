/** XGBoost JSON model import and float32-exact scoring. */
export type { XgboostObjective } from "./xgboost-json.js";
export { loadXgboostModel, type XgboostModel } from "./xgboost-model.js";
