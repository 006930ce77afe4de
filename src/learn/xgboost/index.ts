/** XGBoost model import and float32-exact scoring. */
export { isMulticlass, type ParsedXgboost, parseXgboostJson, type XgboostObjective } from "./xgboost-json.js";
export { loadXgboostModel, type XgboostModel, xgboostModel } from "./xgboost-model.js";
