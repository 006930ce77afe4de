/** The platform's own packages (`modelworks` flavor): GBDT, linear and imported XGBoost JSON, in process. */

import type { Predictor } from "../../learn/package/load-model.js";
import { predictorFor } from "../../learn/package/load-model.js";
import { readModelPackage } from "../../learn/package/model-package.js";
import type { LoadedModel, MlModelFile, ModelRuntime } from "../runtime.js";

/** The runtime for folders with a `modelworks` flavor. */
export const nativeRuntime: ModelRuntime = {
  name: "native",
  accepts: (mlmodel: MlModelFile) => mlmodel.flavors.modelworks !== undefined,
  load: async (dir: string) => nativeModel(predictorFor(await readModelPackage(dir))),
};

/** A native predictor as a {@link LoadedModel} (scores are computed synchronously). */
export function nativeModel(predictor: Predictor): LoadedModel {
  const s = predictor.signature;
  const predictSync = (table: Parameters<Predictor["predict"]>[0]) => ({
    rows: table.numRows,
    scores: predictor.predict(table),
  });
  const model: LoadedModel = {
    runtime: "native",
    kind: s.task,
    signature: s,
    ...(s.task === "binary" ? { classes: [s.negative_class ?? "0", s.positive_class ?? "1"] } : {}),
    predict: async (table) => predictSync(table),
    predictSync,
    ...(predictor.faults ? { faults: predictor.faults } : {}),
  };
  const rowScorer = predictor.rowScorer;
  return rowScorer ? { ...model, rowScorer: () => rowScorer.call(predictor) } : model;
}
