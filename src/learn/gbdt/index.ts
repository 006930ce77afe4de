export { GbdtModel, type GbdtModelJson, gbdtFromJSON } from "./gbdt-model.js";
export type { GbdtObjective, GbdtParams } from "./gbdt-params.js";
export { type TrainGbdtOptions, trainGbdt } from "./train-gbdt.js";
