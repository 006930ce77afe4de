/**
 * Each rule's condition over one run's results (one per model version in the window): whether it
 * holds, with the value and threshold behind the verdict. `holds: null` means the run could not
 * tell (no reference, too few labels, no traffic): an alert then stays as it is.
 */
import type { AlertRule, MonitorConfig, MonitorResult } from "../live/monitor.js";
import { fmt, performanceReading } from "./performance-drop.js";

/** One rule's verdict. */
export interface Condition {
  holds: boolean | null;
  value: number | null;
  threshold: number | null;
  message: string;
  modelName?: string;
  modelVersion?: string;
}

/** The 5xx share of the deployment's requests over the window, when it can be measured. */
export interface ErrorRateReading {
  rate: number;
  requests: number;
  errors: number;
}

/** The verdict of `rule` for a run's results. */
export function evaluateRule(
  rule: AlertRule,
  results: readonly MonitorResult[],
  config: MonitorConfig,
  errorRate: ErrorRateReading | undefined,
  freshness?: ReadonlyMap<string, number | null>,
): Condition {
  switch (rule.type) {
    case "dataset_drift":
      return datasetDrift(results, config);
    case "feature_drift":
      return featureDrift(rule.feature, results);
    case "performance_drop":
      return performanceDrop(results, config);
    case "error_rate":
      return errorRateCondition(rule.max, errorRate);
    case "feature_freshness":
      return freshnessCondition(rule.view, rule.maxAgeMs, freshness);
  }
}

function datasetDrift(results: readonly MonitorResult[], config: MonitorConfig): Condition {
  const judged = results.filter((r) => r.datasetDrift !== null && r.shareDrifted !== null);
  const worst = maxBy(judged, (r) => r.shareDrifted as number);
  if (!worst) return unknown("dataset drift not computed in this window", config.driftShare);
  const drifted = worst.features.filter((f) => f.drifted).map((f) => f.column);
  const share = worst.shareDrifted as number;
  return {
    holds: worst.datasetDrift === true,
    value: share,
    threshold: config.driftShare,
    message:
      `${fmt(share * 100)}% of features drifted (${drifted.length} of ${worst.features.length}` +
      `${drifted.length ? `: ${drifted.join(", ")}` : ""}) in ${model(worst)}; dataset drift at ≥ ${fmt(config.driftShare * 100)}%`,
    ...versionOf(worst),
  };
}

function featureDrift(feature: string, results: readonly MonitorResult[]): Condition {
  const tested = results.flatMap((r) => {
    const f = r.features.find((x) => x.column === feature);
    return f && f.test !== null && f.score !== null ? [{ r, f }] : [];
  });
  // The drifted verdict first, then the one furthest past (or closest to) its threshold.
  const worst = tested.find((t) => t.f.drifted) ?? tested[0];
  if (!worst) return unknown(`feature '${feature}' was not tested in this window`, null);
  const { r, f } = worst;
  return {
    holds: f.drifted,
    value: f.score,
    threshold: f.threshold,
    message: `feature '${feature}' ${f.drifted ? "drifted" : "is stable"} in ${model(r)}: ${f.test} ${fmt(f.score as number)} vs threshold ${fmt(f.threshold as number)}`,
    ...versionOf(r),
  };
}

function performanceDrop(results: readonly MonitorResult[], config: MonitorConfig): Condition {
  const readings = results.flatMap((r) => performanceReading(r, config) ?? []);
  const worst = maxBy(readings, (x) => x.excess);
  if (!worst) {
    return unknown("realized performance not judged in this window (too few labels or no training baseline)", null);
  }
  return {
    holds: worst.holds,
    value: worst.value,
    threshold: worst.threshold,
    message: `${worst.what} in ${model(worst.result)} vs ${worst.limit}`,
    ...versionOf(worst.result),
  };
}

function errorRateCondition(max: number, reading: ErrorRateReading | undefined): Condition {
  if (!reading) return unknown("error rate not available (no request metrics in this process, or no requests)", max);
  return {
    holds: reading.rate > max,
    value: reading.rate,
    threshold: max,
    message: `${fmt(reading.rate * 100)}% of requests failed with 5xx (${reading.errors} of ${reading.requests}); at most ${fmt(max * 100)}%`,
  };
}

/** A view whose newest materialized row is older than `maxAgeMs` (or that has none) is stale. */
function freshnessCondition(
  view: string,
  maxAgeMs: number,
  freshness: ReadonlyMap<string, number | null> | undefined,
): Condition {
  if (!freshness) return unknown(`feature freshness not available here (no online store)`, maxAgeMs);
  if (!freshness.has(view)) return unknown(`'${view}' is not an online feature view`, maxAgeMs);
  const age = freshness.get(view) ?? null;
  if (age === null)
    return {
      holds: true,
      value: null,
      threshold: maxAgeMs,
      message: `feature view '${view}' has nothing materialized`,
    };
  return {
    holds: age > maxAgeMs,
    value: age,
    threshold: maxAgeMs,
    message: `feature view '${view}': newest materialized row is ${fmt(age / 1000)} s old; at most ${fmt(maxAgeMs / 1000)} s`,
  };
}

function unknown(message: string, threshold: number | null): Condition {
  return { holds: null, value: null, threshold, message };
}

function maxBy<T>(items: readonly T[], key: (t: T) => number): T | undefined {
  let best: T | undefined;
  for (const t of items) if (best === undefined || key(t) > key(best)) best = t;
  return best;
}

function versionOf(r: MonitorResult): Pick<Condition, "modelName" | "modelVersion"> {
  return r.modelName !== undefined && r.modelVersion !== undefined
    ? { modelName: r.modelName, modelVersion: r.modelVersion }
    : {};
}

function model(r: MonitorResult): string {
  return `${r.modelName ?? "?"}/${r.modelVersion ?? "?"}`;
}
