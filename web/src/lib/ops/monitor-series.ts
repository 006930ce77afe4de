/** Turns a deployment's monitor results into chart series (x = seconds since epoch, ascending). */
import type { MonitorResultInfo } from "../../../../src/core/api/platform-routes";
import type { Series } from "../../components/line-chart";

export interface ChartData {
  x: number[];
  series: Series[];
}

/** `churn/2`, or `(no model)` for results of an empty window. */
export function versionKey(r: MonitorResultInfo): string {
  return r.model ? `${r.model}/${r.version ?? "?"}` : "(no model)";
}

/** Results of one model version, oldest first. */
export function resultsFor(results: MonitorResultInfo[], version: string): MonitorResultInfo[] {
  return results.filter((r) => versionKey(r) === version).sort((a, b) => a.time - b.time);
}

/** Every feature any result tested, in first-seen order. */
export function featureNames(results: MonitorResultInfo[]): string[] {
  const seen = new Set<string>();
  for (const r of results) for (const f of r.features) seen.add(f.column);
  return [...seen];
}

/** The features with the highest score relative to their threshold in the newest result (a default pick). */
export function topFeatures(latest: MonitorResultInfo | undefined, n: number): string[] {
  if (!latest) return [];
  const rel = (f: MonitorResultInfo["features"][number]) =>
    f.score !== null && f.threshold ? f.score / f.threshold : f.drifted ? 1 : 0;
  return [...latest.features]
    .sort((a, b) => rel(b) - rel(a))
    .slice(0, n)
    .map((f) => f.column);
}

/** One line per picked feature: its drift score in each result (null when it was not tested). */
export function driftSeries(results: MonitorResultInfo[], features: string[]): ChartData {
  return {
    x: results.map((r) => r.time / 1000),
    series: features.map((name) => ({
      label: name,
      values: results.map((r) => r.features.find((f) => f.column === name)?.score ?? null),
    })),
  };
}

/** The share of drifted features per result, with the monitor's dataset-drift threshold as a line. */
export function shareSeries(results: MonitorResultInfo[], threshold: number): ChartData {
  return {
    x: results.map((r) => r.time / 1000),
    series: [
      { label: "share drifted", values: results.map((r) => r.share_drifted) },
      { label: "dataset drift threshold", values: results.map(() => threshold) },
    ],
  };
}

/**
 * Realized metrics next to the training baselines: AUC, log loss and calibration error (binary),
 * RMSE and MAE (regression) or accuracy (multiclass), by the kind of the latest result.
 */
export function performanceSeries(results: MonitorResultInfo[]): ChartData {
  const pick = (f: (r: MonitorResultInfo) => number | null) => results.map(f);
  const kind = results.at(-1)?.realized?.kind;
  const realized = (metric: string) => pick((r) => (r.realized?.[metric] as number | null | undefined) ?? null);
  if (kind === "regression") {
    return {
      x: results.map((r) => r.time / 1000),
      series: [
        { label: "realized RMSE", values: realized("rmse") },
        { label: "training RMSE", values: realized("training_rmse") },
        { label: "realized MAE", values: realized("mae") },
      ],
    };
  }
  if (kind === "multiclass") {
    return {
      x: results.map((r) => r.time / 1000),
      series: [
        { label: "realized accuracy", values: realized("accuracy") },
        { label: "training accuracy", values: realized("training_accuracy") },
      ],
    };
  }
  return {
    x: results.map((r) => r.time / 1000),
    series: [
      { label: "realized AUC", values: pick((r) => r.realized_auc) },
      { label: "training AUC", values: pick((r) => r.training_auc) },
      { label: "realized log loss", values: pick((r) => r.realized_log_loss) },
      { label: "training log loss", values: pick((r) => r.training_log_loss) },
      { label: "ECE", values: pick((r) => r.calibration_error) },
    ],
  };
}

/** True when any result has a realized metric (enough late labels arrived). */
export function hasRealized(results: MonitorResultInfo[]): boolean {
  return results.some(
    (r) =>
      r.realized_auc !== null ||
      r.realized_log_loss !== null ||
      r.calibration_error !== null ||
      (r.realized !== undefined && Object.entries(r.realized).some(([k, v]) => k !== "kind" && v !== null)),
  );
}
