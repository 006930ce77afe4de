/** The LoadedModel shape every in-process runtime (xgboost, lightgbm) gives its scorer. */
import type { Table } from "../data/table.js";
import type { RowScorer } from "../learn/package/load-model.js";
import type { ModelSignature } from "../learn/package/model-package.js";
import type { LoadedModel, ModelKind, ModelOutput, RuntimeName } from "./runtime.js";

export interface InProcessParts {
  runtime: RuntimeName;
  kind: ModelKind;
  signature: ModelSignature;
  classes: string[] | undefined;
  predictSync: (table: Table) => ModelOutput;
  /** Binary and regression models only: multiclass scores are rows of probabilities, not one number. */
  rowScorer: () => RowScorer;
}

/** A model scored on this thread: `predict` resolves with `predictSync`; a one-row scorer unless multiclass. */
export function inProcessModel(p: InProcessParts): LoadedModel {
  const loaded: LoadedModel = {
    runtime: p.runtime,
    kind: p.kind,
    signature: p.signature,
    ...(p.classes === undefined ? {} : { classes: p.classes }),
    predict: async (table) => p.predictSync(table),
    predictSync: p.predictSync,
  };
  return p.kind === "multiclass" ? loaded : { ...loaded, rowScorer: p.rowScorer };
}
