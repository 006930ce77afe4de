/**
 * Which analysis thresholds apply to which model kind: the label check is the AUC (binary), the
 * RMSE (regression) or the accuracy (multiclass); score PSI compares probabilities, so it does
 * not apply to regression values. A threshold given for a check the model does not have is refused.
 */
import { invalidParam } from "../core/errors.js";
import type { ModelKind } from "../runtimes/runtime.js";
import type { AnalysisThresholds } from "./rollout.js";
import { THRESHOLD_WIRE_NAMES } from "./rollout-spec.js";

/** The label check's threshold of each kind. */
export const LABEL_CHECK_THRESHOLD: Record<ModelKind, keyof AnalysisThresholds> = {
  binary: "aucMargin",
  regression: "maxRmseIncrease",
  multiclass: "accuracyMargin",
};

const KIND_ONLY: Partial<Record<keyof AnalysisThresholds, { kinds: readonly ModelKind[]; check: string }>> = {
  aucMargin: { kinds: ["binary"], check: "the AUC check is for binary models" },
  maxRmseIncrease: { kinds: ["regression"], check: "the RMSE check is for regression models" },
  accuracyMargin: { kinds: ["multiclass"], check: "the accuracy check is for multiclass models" },
  maxScorePsi: { kinds: ["binary", "multiclass"], check: "score PSI compares probabilities, not regression values" },
};

/** True when the score-PSI check applies to a model of this kind. */
export function hasScorePsi(kind: ModelKind): boolean {
  return kind !== "regression";
}

/** invalidParam naming the first given threshold that does not apply to `model`, a model of `kind`. */
export function assertThresholdsFitKind(
  given: Partial<AnalysisThresholds> | undefined,
  kind: ModelKind,
  model: string,
): void {
  for (const key of Object.keys(given ?? {}) as (keyof AnalysisThresholds)[]) {
    const rule = KIND_ONLY[key];
    if (!rule || rule.kinds.includes(kind) || given?.[key] === undefined) continue;
    const own = THRESHOLD_WIRE_NAMES[LABEL_CHECK_THRESHOLD[kind]];
    throw invalidParam(
      `Invalid value for 'thresholds.${THRESHOLD_WIRE_NAMES[key]}': ${rule.check}, and ${model} is a ${kind} model (its label check takes ${own}).`,
    );
  }
}
