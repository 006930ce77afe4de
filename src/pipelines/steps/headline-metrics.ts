/** The metrics an `evaluate` step reports (and logs) for each model kind. */
import { evaluateBinary } from "../../learn/metrics/binary.js";
import { evaluateMulticlass } from "../../learn/metrics/multiclass.js";
import { evaluateRegression } from "../../learn/metrics/regression.js";
import type { EvalTruth } from "./eval-truth.js";

/** Binary: ranking, calibration and 0.5-threshold metrics; regression: rmse, mae, r2; multiclass: log loss, accuracy, macro F1. */
export function headlineMetrics(truth: EvalTruth, outputs: Float64Array): Record<string, number | null> {
  if (truth.kind === "regression") {
    const e = evaluateRegression(truth.y, outputs);
    return { rmse: e.rmse, mae: e.mae, r2: e.r2, rows: e.count };
  }
  if (truth.kind === "multiclass") {
    const e = evaluateMulticlass(truth.y, outputs, truth.classes ?? []);
    return { log_loss: e.log_loss, accuracy: e.accuracy, macro_f1: e.macro_f1, rows: e.count };
  }
  const e = evaluateBinary(truth.y, outputs);
  return {
    roc_auc: e.roc_auc,
    pr_auc: e.pr_auc,
    log_loss: e.log_loss,
    brier: e.brier,
    accuracy: e.default_threshold.accuracy,
    f1: e.default_threshold.f1,
    lift_top_decile: e.lift_top_decile,
    rows: e.count,
  };
}
