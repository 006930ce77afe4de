/**
 * Live monitoring in the platform API: a deployment's monitor settings, its results over time
 * (drift per feature, realized performance) and the alerts raised from them.
 */
import { s } from "../schema.js";
import { access } from "./access.js";
import { route } from "./route.js";

const name = s.string().required();

/** One alert rule of a monitor: `feature` for feature_drift, `max` (a share, 0-1) for error_rate. */
export interface AlertRuleInfo {
  rule: "dataset_drift" | "feature_drift" | "performance_drop" | "error_rate" | "feature_freshness";
  feature?: string;
  max?: number;
  /** feature_freshness: the online feature view and the most its newest materialized row may age. */
  view?: string;
  max_age_ms?: number;
  /** A pipeline to trigger when the alert fires. */
  pipeline?: string;
}

/** Where a monitor's alerts go; a webhook's secret is never returned (`secret_set` says one is stored). */
export interface NotifierInfo {
  type: "webhook" | "slack" | "log";
  url?: string;
  secret_set?: boolean;
}

/** A deployment's monitor settings on the wire; exactly one of `window_ms` and `window_rows` is set. */
export interface MonitorConfigInfo {
  deployment: string;
  interval_ms: number;
  window_ms?: number;
  window_rows?: number;
  min_labels: number;
  auc_margin: number;
  log_loss_margin: number;
  rmse_margin: number;
  accuracy_margin: number;
  drift_share: number;
  alerts: AlertRuleInfo[];
  notify: NotifierInfo[];
  /** The dataset version (`NAME@VERSION`) drift is measured against, when the monitor names one. */
  reference?: string;
  created_time: number;
  updated_time: number;
  last_run_time?: number;
}

/** One feature's drift verdict (`test` null with a `problem` when it was not tested). */
export interface FeatureDriftInfo {
  column: string;
  test: string | null;
  score: number | null;
  threshold: number | null;
  drifted: boolean;
  problem?: string;
  /** Reference vs current counts per bin (`edges`, numbers) or category (`labels`); with `histograms=true`. */
  histogram?: { edges?: number[]; labels?: string[]; reference: number[]; current: number[] };
}

/** What one monitor run found for one model version (no model for an empty window or a failed run). */
export interface MonitorResultInfo {
  id: string;
  deployment: string;
  model?: string;
  version?: string;
  time: number;
  window_start: number;
  window_end: number;
  rows: number;
  labelled_rows: number;
  /** Null when drift was not computed (no reference, no rows); see `notes`. */
  dataset_drift: boolean | null;
  share_drifted: number | null;
  drifted_features: number | null;
  features: FeatureDriftInfo[];
  /** Where the drift reference came from: `package`, `dataset NAME@VERSION`, `file PATH`. */
  reference?: string;
  realized_auc: number | null;
  realized_log_loss: number | null;
  calibration_error: number | null;
  training_auc: number | null;
  training_log_loss: number | null;
  /** Regression (`rmse`, `mae`, `training_rmse`) or multiclass (`accuracy`, `training_accuracy`) models. */
  realized?: { kind: "regression" | "multiclass"; [metric: string]: number | string | null };
  /** Null while there are too few labels (or no training baseline). */
  concept_drift: boolean | null;
  notes: string[];
  error?: string;
}

/** An alert: firing while its rule's condition holds, then resolved. */
export interface AlertInfo {
  id: string;
  deployment: string;
  /** `dataset_drift`, `feature_drift:COL`, `performance_drop` or `error_rate`. */
  rule: string;
  status: "firing" | "resolved";
  first_time: number;
  last_time: number;
  resolved_time?: number;
  value: number | null;
  threshold: number | null;
  message: string;
  model?: string;
  version?: string;
  pipeline?: string;
}

/** A monitor's settings, latest result per model version, recent results and firing alerts. */
export interface MonitorStatusInfo {
  monitor: MonitorConfigInfo;
  latest: MonitorResultInfo[];
  series: MonitorResultInfo[];
  alerts: AlertInfo[];
  /** While buckets of predictions logged before the aggregates are built: rows built, up to when, of rows before `until_time`. */
  window_backfill?: { built_rows: number; through_time: number; until_time: number };
}

/** Live monitoring of deployments (drift, realized performance) and alerts. */
export const monitorRoutes = {
  /** Every deployment's monitor settings (no results), by deployment name. */
  listMonitors: route<{ monitors: MonitorConfigInfo[] }>()("GET", "/monitors", s.object({}), access.list("deployment")),
  /** A deployment's monitor status; `limit` bounds the recent results (default 20). */
  getMonitor: route<MonitorStatusInfo>()(
    "GET",
    "/deployments/:name/monitor",
    s.object({ name, limit: s.int64() }),
    access.on("deployment", "read", "name"),
  ),
  /**
   * Set (replace) a deployment's monitor; unset fields take their defaults. `alerts`:
   * [{rule, feature?, max?, pipeline?}]; `notify`: [{type: webhook|slack|log, url?, secret?}].
   */
  setMonitor: route<{ monitor: MonitorConfigInfo }>()(
    "PUT",
    "/deployments/:name/monitor",
    s.object({
      name,
      interval_ms: s.int64(),
      window_ms: s.int64(),
      window_rows: s.int64(),
      min_labels: s.int64(),
      auc_margin: s.double(),
      log_loss_margin: s.double(),
      rmse_margin: s.double(),
      accuracy_margin: s.double(),
      drift_share: s.double(),
      alerts: s.any(),
      notify: s.any(),
      reference: s.string(),
    }),
    access.on("deployment", "edit", "name"),
  ),
  /** Stop monitoring a deployment (its results and alerts are kept). */
  deleteMonitor: route<Record<string, never>>()(
    "DELETE",
    "/deployments/:name/monitor",
    s.object({ name }),
    access.on("deployment", "edit", "name"),
  ),
  /** Run the monitor once now: its results and the alerts that fired or resolved. */
  runMonitor: route<{ results: MonitorResultInfo[]; alerts: { change: "fired" | "resolved"; alert: AlertInfo }[] }>()(
    "POST",
    "/deployments/:name/monitor/run",
    s.object({ name }),
    access.on("deployment", "edit", "name"),
  ),
  /** A deployment's monitor results, newest first; `next_page_token` (when more) as `page_token` gives the next page. */
  listMonitorResults: route<{ results: MonitorResultInfo[]; next_page_token?: string }>()(
    "GET",
    "/deployments/:name/monitor/results",
    s.object({
      name,
      limit: s.int64(),
      since_time: s.int64(),
      model: s.string(),
      version: s.string(),
      histograms: s.bool(),
      page_token: s.string(),
    }),
    access.on("deployment", "read", "name"),
  ),
  /** Alerts, newest first: firing only unless `status` is `resolved` or `all`. */
  listAlerts: route<{ alerts: AlertInfo[] }>()(
    "GET",
    "/alerts",
    s.object({ deployment: s.string(), status: s.enum(["firing", "resolved", "all"] as const), limit: s.int64() }),
    access.list("deployment"),
  ),
};
