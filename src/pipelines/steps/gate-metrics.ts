/** The metrics a gate decides on, per model kind, and each one as a function of row weights. */
import { invalidParam } from "../../core/errors.js";
import type { ModelKind } from "../../runtimes/runtime.js";
import type { BinaryGateMetric } from "./weighted-binary.js";
import { rankScores, weightedBinaryMetric } from "./weighted-binary.js";
import type { MulticlassGateMetric, RegressionGateMetric, Weighted } from "./weighted-kinds.js";
import { multiclassMetric, regressionMetric } from "./weighted-kinds.js";

/** Metrics a gate can decide on or guard (which apply depends on the model's kind). */
export const GATE_METRICS = [
  "roc_auc",
  "pr_auc",
  "log_loss",
  "brier",
  "rmse",
  "mae",
  "r2",
  "accuracy",
  "macro_f1",
] as const;
export type GateMetric = (typeof GATE_METRICS)[number];

/** The metrics of each kind; `log_loss` is the binary or the multiclass cross-entropy. */
export const KIND_METRICS: Record<ModelKind, readonly GateMetric[]> = {
  binary: ["roc_auc", "pr_auc", "log_loss", "brier"],
  regression: ["rmse", "mae", "r2"],
  multiclass: ["log_loss", "accuracy", "macro_f1"],
};

/** The metric a gate decides on when its settings name none. */
export const DEFAULT_GATE_METRIC: Record<ModelKind, GateMetric> = {
  binary: "roc_auc",
  regression: "rmse",
  multiclass: "log_loss",
};

/** A metric of one model's outputs over weighted evaluation rows; null when undefined on them. */
export type WeightedMetric = Weighted;

/** True for metrics where a smaller value is better. */
export function lowerIsBetter(metric: GateMetric): boolean {
  return metric === "log_loss" || metric === "brier" || metric === "rmse" || metric === "mae";
}

/** The metric name checked, or invalidParam naming `field`. */
export function gateMetric(field: string, value: unknown): GateMetric {
  if (typeof value === "string" && (GATE_METRICS as readonly string[]).includes(value)) return value as GateMetric;
  throw invalidParam(`Invalid value for '${field}': expected one of ${GATE_METRICS.join(", ")}, got ${String(value)}.`);
}

/** invalidParam naming `field` when `metric` does not apply to a model of this kind. */
export function checkMetricKind(field: string, metric: GateMetric, kind: ModelKind): void {
  if (!KIND_METRICS[kind].includes(metric)) {
    throw invalidParam(
      `Invalid value for '${field}': ${metric} does not apply to a ${kind} model (expected one of ${KIND_METRICS[kind].join(", ")}).`,
    );
  }
}

/**
 * `metric` of one model as a function of row weights. `labels` and `outputs` are as the kind has
 * them: 0/1 and P(positive) (binary), values and predictions (regression), class indices and rows ×
 * `classes` probabilities (multiclass).
 */
export function weightedMetric(
  metric: GateMetric,
  kind: ModelKind,
  labels: ArrayLike<number>,
  outputs: ArrayLike<number>,
  classes = 0,
): WeightedMetric {
  checkMetricKind("metric", metric, kind);
  if (kind === "regression") return regressionMetric(metric as RegressionGateMetric, labels, outputs);
  if (kind === "multiclass") return multiclassMetric(metric as MulticlassGateMetric, labels, outputs, classes);
  const ranked = rankScores(outputs);
  return (weights) => weightedBinaryMetric(metric as BinaryGateMetric, labels, ranked, weights);
}
