/** Monitor settings and results on the wire (snake_case, as the platform API and `--json` print them) and back. */

import { redactUrl } from "../../auth/redact.js";
import type {
  AlertRuleInfo,
  MonitorConfigInfo,
  MonitorResultInfo,
  NotifierInfo,
} from "../../core/api/platform-routes.js";
import { invalidParam } from "../../core/errors.js";
import { urlProblem } from "../../core/http/post-json.js";
import type { AlertRule, MonitorConfig, MonitorResult, MonitorWindow, NotifierSpec } from "./monitor.js";
import { ALERT_RULE_TYPES, ruleKey } from "./monitor.js";
import type { KindRealized } from "./realized-kinds.js";

/** The settings of a set request, as the route parses them. */
export interface SetMonitorWire {
  interval_ms?: number;
  window_ms?: number;
  window_rows?: number;
  min_labels?: number;
  auc_margin?: number;
  log_loss_margin?: number;
  rmse_margin?: number;
  accuracy_margin?: number;
  drift_share?: number;
  alerts?: unknown;
  notify?: unknown;
  /** `DATASET[@VERSION]`: the drift reference (resolved to a version when set). */
  reference?: string;
}

export const MONITOR_DEFAULTS = {
  intervalMs: 300_000,
  windowMs: 3_600_000,
  minLabels: 100,
  aucMargin: 0.05,
  logLossMargin: 0.1,
  rmseMargin: 0.2,
  accuracyMargin: 0.05,
  driftShare: 0.5,
} as const;

const DAY = 86_400_000;
const MAX_WINDOW_ROWS = 200_000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

type Settings = Omit<MonitorConfig, "deployment" | "createdTime" | "updatedTime" | "lastRunTime" | "reference">;

/** Validated settings; every message names the wire field. */
export function settingsFromWire(w: SetMonitorWire): Settings {
  if (w.window_ms !== undefined && w.window_rows !== undefined) {
    throw invalidParam("Set only one of 'window_ms' (a time window) and 'window_rows' (the last N predictions).");
  }
  const window: MonitorWindow =
    w.window_rows !== undefined
      ? { kind: "rows", rows: intIn("window_rows", w.window_rows, 1, MAX_WINDOW_ROWS) }
      : { kind: "time", ms: intIn("window_ms", w.window_ms ?? MONITOR_DEFAULTS.windowMs, 1000, 30 * DAY) };
  return {
    intervalMs: intIn("interval_ms", w.interval_ms ?? MONITOR_DEFAULTS.intervalMs, 1000, DAY),
    window,
    minLabels: intIn("min_labels", w.min_labels ?? MONITOR_DEFAULTS.minLabels, 2, 10_000_000),
    aucMargin: numIn("auc_margin", w.auc_margin ?? MONITOR_DEFAULTS.aucMargin, 0, 1),
    logLossMargin: numIn("log_loss_margin", w.log_loss_margin ?? MONITOR_DEFAULTS.logLossMargin, 0, 100),
    rmseMargin: numIn("rmse_margin", w.rmse_margin ?? MONITOR_DEFAULTS.rmseMargin, 0, 100),
    accuracyMargin: numIn("accuracy_margin", w.accuracy_margin ?? MONITOR_DEFAULTS.accuracyMargin, 0, 1),
    driftShare: numIn("drift_share", w.drift_share ?? MONITOR_DEFAULTS.driftShare, 0.000001, 1),
    alerts: w.alerts === undefined ? [] : alertsFromWire(w.alerts),
    notify: w.notify === undefined ? [] : notifyFromWire(w.notify),
  };
}

function alertsFromWire(v: unknown): AlertRule[] {
  const list = arrayOf("alerts", v, 50);
  const seen = new Set<string>();
  return list.map((item, i) => {
    const at = `alerts[${i}]`;
    const o = objectOf(at, item, ["rule", "feature", "max", "pipeline", "view", "max_age_ms"]);
    const type = o.rule;
    if (typeof type !== "string" || !(ALERT_RULE_TYPES as readonly string[]).includes(type)) {
      throw invalidParam(`Invalid value for '${at}.rule': expected one of ${ALERT_RULE_TYPES.join(", ")}.`);
    }
    let rule: AlertRule;
    if (type === "feature_drift") {
      if (typeof o.feature !== "string" || o.feature.trim() === "") {
        throw invalidParam(`'${at}.feature' is required for feature_drift: the input column to watch.`);
      }
      rule = { type, feature: o.feature };
    } else if (type === "error_rate") {
      rule = { type, max: numIn(`${at}.max`, o.max, 0, 1) };
    } else if (type === "feature_freshness") {
      if (typeof o.view !== "string" || o.view.trim() === "")
        throw invalidParam(`'${at}.view' is required for feature_freshness: the online feature view to watch.`);
      rule = { type, view: o.view, maxAgeMs: numIn(`${at}.max_age_ms`, o.max_age_ms, 1, 10 * 365 * 86_400_000) };
    } else rule = { type } as AlertRule;
    if ((o.view !== undefined || o.max_age_ms !== undefined) && type !== "feature_freshness")
      throw invalidParam(`'${at}.view' and '${at}.max_age_ms' are for feature_freshness only.`);
    if (o.feature !== undefined && type !== "feature_drift")
      throw invalidParam(`'${at}.feature' is for feature_drift only.`);
    if (o.max !== undefined && type !== "error_rate") throw invalidParam(`'${at}.max' is for error_rate only.`);
    if (o.pipeline !== undefined) {
      if (typeof o.pipeline !== "string" || !NAME.test(o.pipeline)) {
        throw invalidParam(`Invalid value for '${at}.pipeline': letters, digits, '.', '_' or '-'.`);
      }
      rule.pipeline = o.pipeline;
    }
    if (seen.has(ruleKey(rule))) throw invalidParam(`'${at}' repeats the rule ${ruleKey(rule)}.`);
    seen.add(ruleKey(rule));
    return rule;
  });
}

function notifyFromWire(v: unknown): NotifierSpec[] {
  return arrayOf("notify", v, 20).map((item, i) => {
    const at = `notify[${i}]`;
    const o = objectOf(at, item, ["type", "url", "secret"]);
    if (o.type === "log") {
      if (o.url !== undefined || o.secret !== undefined)
        throw invalidParam(`'${at}': a log notifier takes no url or secret.`);
      return { type: "log" };
    }
    if (o.type !== "webhook" && o.type !== "slack") {
      throw invalidParam(`Invalid value for '${at}.type': expected webhook, slack or log.`);
    }
    if (typeof o.url !== "string") throw invalidParam(`'${at}.url' is required for a ${o.type} notifier.`);
    const problem = urlProblem(o.url);
    if (problem) throw invalidParam(`Invalid value for '${at}.url': ${problem}.`);
    if (o.type === "slack") {
      if (o.secret !== undefined) throw invalidParam(`'${at}.secret' is for webhook notifiers only.`);
      return { type: "slack", url: o.url };
    }
    if (o.secret === undefined) return { type: "webhook", url: o.url };
    if (typeof o.secret !== "string" || o.secret === "")
      throw invalidParam(`Invalid value for '${at}.secret': a non-empty string.`);
    return { type: "webhook", url: o.url, secret: o.secret };
  });
}

/** A config as the API returns it (webhook secrets left out, notify URLs redacted). */
export function toConfigInfo(c: MonitorConfig): MonitorConfigInfo {
  return {
    deployment: c.deployment,
    interval_ms: c.intervalMs,
    ...(c.window.kind === "time" ? { window_ms: c.window.ms } : { window_rows: c.window.rows }),
    min_labels: c.minLabels,
    auc_margin: c.aucMargin,
    log_loss_margin: c.logLossMargin,
    rmse_margin: c.rmseMargin,
    accuracy_margin: c.accuracyMargin,
    drift_share: c.driftShare,
    alerts: c.alerts.map(toRuleInfo),
    notify: c.notify.map(toNotifierInfo),
    ...(c.reference ? { reference: `${c.reference.name}@${c.reference.version}` } : {}),
    created_time: c.createdTime,
    updated_time: c.updatedTime,
    ...(c.lastRunTime !== undefined ? { last_run_time: c.lastRunTime } : {}),
  };
}

function toRuleInfo(r: AlertRule): AlertRuleInfo {
  return {
    rule: r.type,
    ...(r.type === "feature_drift" ? { feature: r.feature } : {}),
    ...(r.type === "error_rate" ? { max: r.max } : {}),
    ...(r.type === "feature_freshness" ? { view: r.view, max_age_ms: r.maxAgeMs } : {}),
    ...(r.pipeline !== undefined ? { pipeline: r.pipeline } : {}),
  };
}

function toNotifierInfo(n: NotifierSpec): NotifierInfo {
  if (n.type === "log") return { type: "log" };
  if (n.type === "slack") return { type: "slack", url: redactUrl(n.url) };
  return { type: "webhook", url: redactUrl(n.url), secret_set: n.secret !== undefined };
}

/** A result as the API returns it. */
export function toResultInfo(r: MonitorResult): MonitorResultInfo {
  return {
    id: r.id,
    deployment: r.deployment,
    ...(r.modelName !== undefined ? { model: r.modelName } : {}),
    ...(r.modelVersion !== undefined ? { version: r.modelVersion } : {}),
    time: r.time,
    window_start: r.windowStart,
    window_end: r.windowEnd,
    rows: r.rows,
    labelled_rows: r.labelledRows,
    dataset_drift: r.datasetDrift,
    share_drifted: finite(r.shareDrifted),
    drifted_features: r.datasetDrift === null ? null : r.features.filter((f) => f.drifted).length,
    features: r.features.map((f) => ({ ...f, score: finite(f.score), threshold: finite(f.threshold) })),
    ...(r.reference !== undefined ? { reference: r.reference } : {}),
    realized_auc: finite(r.realizedAuc),
    realized_log_loss: finite(r.realizedLogLoss),
    calibration_error: finite(r.calibrationError),
    training_auc: finite(r.trainingAuc),
    training_log_loss: finite(r.trainingLogLoss),
    ...(r.realized ? { realized: realizedInfo(r.realized) } : {}),
    concept_drift: r.conceptDrift,
    notes: r.notes,
    ...(r.error !== undefined ? { error: r.error } : {}),
  };
}

function realizedInfo(r: KindRealized): NonNullable<MonitorResultInfo["realized"]> {
  if (r.kind === "regression") {
    return { kind: r.kind, rmse: finite(r.rmse), mae: finite(r.mae), training_rmse: finite(r.trainingRmse) };
  }
  return { kind: r.kind, accuracy: finite(r.accuracy), training_accuracy: finite(r.trainingAccuracy) };
}

function finite(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}

function intIn(field: string, v: number, min: number, max: number): number {
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw invalidParam(`Invalid value for '${field}': expected a whole number from ${min} to ${max}, got ${v}.`);
  }
  return v;
}

function numIn(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    throw invalidParam(
      `Invalid value for '${field}': expected a number from ${min} to ${max}, got ${JSON.stringify(v)}.`,
    );
  }
  return v;
}

function arrayOf(field: string, v: unknown, max: number): unknown[] {
  if (!Array.isArray(v)) throw invalidParam(`Invalid value for '${field}': expected an array.`);
  if (v.length > max) throw invalidParam(`Invalid value for '${field}': at most ${max} entries, got ${v.length}.`);
  return v;
}

function objectOf(field: string, v: unknown, keys: readonly string[]): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw invalidParam(`Invalid value for '${field}': expected an object.`);
  }
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw invalidParam(`Unknown field '${field}.${k}' (expected ${keys.join(", ")}).`);
  }
  return v as Record<string, unknown>;
}
