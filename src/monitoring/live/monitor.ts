/**
 * Live monitoring of a deployment: what is watched (the config), what each run of the monitor job
 * found (a result per model version served in the window) and the alerts raised from those results.
 */
import type { ColumnHistogram } from "../drift/drift-types.js";
import type { KindRealized } from "./realized-kinds.js";

/** Which predictions a run looks at: the last `ms` milliseconds, or the last `rows` predictions. */
export type MonitorWindow = { kind: "time"; ms: number } | { kind: "rows"; rows: number };

export const ALERT_RULE_TYPES = [
  "dataset_drift",
  "feature_drift",
  "performance_drop",
  "error_rate",
  "feature_freshness",
] as const;
export type AlertRuleType = (typeof ALERT_RULE_TYPES)[number];

/** A condition that raises an alert; `pipeline` names a pipeline to trigger when it fires (wired by pipelines). */
export type AlertRule = (
  | { type: "dataset_drift" }
  | { type: "feature_drift"; feature: string }
  | { type: "performance_drop" }
  | { type: "error_rate"; max: number }
  | { type: "feature_freshness"; view: string; maxAgeMs: number }
) & { pipeline?: string };

/** Where alerts are sent. A webhook with a secret signs each body (HMAC-SHA256). */
export type NotifierSpec =
  | { type: "webhook"; url: string; secret?: string }
  | { type: "slack"; url: string }
  | { type: "log" };

/** How one deployment is monitored. */
export interface MonitorConfig {
  deployment: string;
  intervalMs: number;
  window: MonitorWindow;
  /** Labelled predictions (with both classes) a window needs before realized performance is judged. */
  minLabels: number;
  /** Concept drift when realized AUC < training AUC − aucMargin ... */
  aucMargin: number;
  /** ... or realized log loss > training log loss + logLossMargin (binary models). */
  logLossMargin: number;
  /** Regression: concept drift when realized RMSE > training RMSE × (1 + rmseMargin). */
  rmseMargin: number;
  /** Multiclass: concept drift when realized accuracy < training accuracy − accuracyMargin. */
  accuracyMargin: number;
  /** Share of drifted features at which the dataset has drifted (Evidently's default 0.5). */
  driftShare: number;
  alerts: AlertRule[];
  notify: NotifierSpec[];
  /** The dataset version drift is measured against, for every model version (instead of each model's own reference). */
  reference?: { name: string; version: number };
  createdTime: number;
  updatedTime: number;
  /** When the job last ran (the scheduler runs it again `intervalMs` later). */
  lastRunTime?: number;
}

/** One feature's drift verdict in a result. */
export interface FeatureDrift {
  column: string;
  test: string | null;
  score: number | null;
  threshold: number | null;
  drifted: boolean;
  /** Why the feature was not tested, when it was not. */
  problem?: string;
  /** Reference vs current counts over shared bins (numbers) or the top categories, for plots. */
  histogram?: ColumnHistogram;
}

/** What one run found for one model version over its window. */
export interface MonitorResult {
  id: string;
  deployment: string;
  /** The model version whose predictions these are (absent for an empty window or a failed run). */
  modelName?: string;
  modelVersion?: string;
  /** When the run happened. */
  time: number;
  windowStart: number;
  windowEnd: number;
  rows: number;
  labelledRows: number;
  /** Null when drift could not be computed (no reference, no rows). */
  datasetDrift: boolean | null;
  shareDrifted: number | null;
  features: FeatureDrift[];
  /** Where the drift reference came from (`package`, `dataset NAME@VERSION`, `file PATH`). */
  reference?: string;
  realizedAuc: number | null;
  realizedLogLoss: number | null;
  /** Expected calibration error over 10 equal-width bins. */
  calibrationError: number | null;
  trainingAuc: number | null;
  trainingLogLoss: number | null;
  /** Regression (RMSE, MAE) and multiclass (accuracy) models: their realized metrics (the AUC fields stay null). */
  realized?: KindRealized;
  /** Null when there are too few labels (or no training baseline) to judge. */
  conceptDrift: boolean | null;
  /** What a reader should know: empty window, no reference, too few labels. */
  notes: string[];
  /** Why the run failed, when it did. */
  error?: string;
}

export type AlertStatus = "firing" | "resolved";

/** An alert: one per rule and deployment while its condition holds. */
export interface Alert {
  id: string;
  deployment: string;
  /** The rule's key: `dataset_drift`, `feature_drift:COL`, `performance_drop`, `error_rate`. */
  rule: string;
  status: AlertStatus;
  firstTime: number;
  lastTime: number;
  resolvedTime?: number;
  value: number | null;
  threshold: number | null;
  message: string;
  modelName?: string;
  modelVersion?: string;
  pipeline?: string;
}

/** The key an alert of `rule` is stored under. */
export function ruleKey(rule: AlertRule): string {
  if (rule.type === "feature_freshness") return `feature_freshness:${rule.view}`;
  return rule.type === "feature_drift" ? `feature_drift:${rule.feature}` : rule.type;
}
