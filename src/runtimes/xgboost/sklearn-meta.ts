/**
 * What XGBoost's scikit-learn wrappers (`XGBClassifier`, `XGBRegressor`, ...) save next to the
 * booster: `save_model` stores their settings as JSON in the booster attribute `scikit_learn`
 * (`classes_`, `n_classes_`, `missing`, `_estimator_type`, ...), and their `predict` uses only the
 * trees up to the booster attribute `best_iteration` (early stopping).
 */

/** The wrapper settings prediction depends on. */
export interface SklearnMeta {
  /** `classes_` as strings, when saved. */
  readonly classes?: readonly string[];
  /** The value the wrapper treats as missing besides NaN (`missing=` other than NaN). */
  readonly missing?: number;
}

/** True for an MLflow `model_class` naming a scikit-learn wrapper rather than a plain Booster. */
export function isSklearnWrapper(modelClass: string | undefined): boolean {
  return modelClass !== undefined && /^xgboost\.(sklearn\.)?XGB\w+$/.test(modelClass);
}

/** Reads the `scikit_learn` attribute (Python's json writes NaN/Infinity bare); undefined when absent or unreadable. */
export function sklearnMeta(attributes: Readonly<Record<string, string>>): SklearnMeta | undefined {
  const text = attributes.scikit_learn;
  if (text === undefined) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/(?<=[:,[]\s*)(NaN|-?Infinity)(?=\s*[,}\]])/g, "null"));
  } catch {
    return undefined;
  }
  if (typeof doc !== "object" || doc === null) return undefined;
  const meta = doc as Record<string, unknown>;
  const out: { classes?: string[]; missing?: number } = {};
  if (Array.isArray(meta.classes_)) out.classes = meta.classes_.map((c) => String(c));
  if (typeof meta.missing === "number") out.missing = meta.missing;
  return out;
}

/** Boosting rounds the wrapper predicts with: best_iteration + 1, when the booster records it. */
export function wrapperRounds(attributes: Readonly<Record<string, string>>): number | undefined {
  const best = Number(attributes.best_iteration);
  return attributes.best_iteration !== undefined && Number.isInteger(best) && best >= 0 ? best + 1 : undefined;
}
