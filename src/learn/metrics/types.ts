/** JSON-friendly (snake_case) evaluation reports; undefined metrics are null, never NaN. */

/** Counts at one threshold; a row is predicted positive when its score is ≥ the threshold. */
export interface ConfusionMatrix {
  tn: number;
  fp: number;
  fn: number;
  tp: number;
}

/** Classification metrics at one threshold (precision/recall/F1 are 0 when their denominator is 0, like sklearn's zero_division=0). */
export interface ThresholdMetrics {
  threshold: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  confusion_matrix: ConfusionMatrix;
}

/** One equal-width calibration bin over [lower, upper]; means are null for an empty bin. */
export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  mean_predicted: number | null;
  observed_rate: number | null;
}

/** Metrics of the rows sharing one slice value (null is a value of its own). */
export interface SliceMetrics {
  value: string | null;
  count: number;
  positives: number;
  roc_auc: number | null;
  log_loss: number;
  accuracy: number;
}

/** Per-slice metrics for one slice column, groups sorted by value with null last. */
export interface SliceReport {
  name: string;
  groups: SliceMetrics[];
}

/** Everything {@link evaluateBinary} reports. */
export interface BinaryEvaluation {
  count: number;
  positives: number;
  base_rate: number;
  /** Null when only one class is present. */
  roc_auc: number | null;
  /** Average precision as sklearn computes it; null without positives. */
  pr_auc: number | null;
  log_loss: number;
  brier: number;
  default_threshold: ThresholdMetrics;
  best_f1_threshold: ThresholdMetrics;
  calibration: CalibrationBin[];
  /** Positive rate of the top ceil(n/10) scores over the base rate; null without positives. */
  lift_top_decile: number | null;
  slices: SliceReport | null;
}

/** Everything {@link evaluateRegression} reports. */
export interface RegressionEvaluation {
  count: number;
  rmse: number;
  mae: number;
  r2: number;
}

/** One class's counts and scores in a multiclass evaluation (0 when a denominator is 0, like sklearn's zero_division=0). */
export interface ClassMetrics {
  class: string;
  /** Rows whose true class this is. */
  support: number;
  /** Rows predicted as this class. */
  predicted: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Everything {@link evaluateMulticlass} reports. */
export interface MulticlassEvaluation {
  count: number;
  classes: string[];
  log_loss: number;
  accuracy: number;
  macro_f1: number;
  per_class: ClassMetrics[];
  /** Counts by true class (rows) and predicted class (columns), in `classes` order. */
  confusion_matrix: number[][];
}
