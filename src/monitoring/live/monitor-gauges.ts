/**
 * Monitor results as Prometheus gauges on a serving registry: per-feature drift scores, the share
 * of drifted features, the dataset-drift verdict, realized AUC (binary), RMSE (regression) and
 * accuracy (multiclass), and the alerts firing. Each run
 * replaces the series of the model versions it measured.
 */
import type { Registry } from "prom-client";
import { Gauge } from "prom-client";
import type { Alert, MonitorResult } from "./monitor.js";

type VersionLabel = "deployment" | "model" | "version";

/** The monitoring gauges of one registry. */
export class MonitorGauges {
  private readonly featureScore: Gauge<VersionLabel | "feature" | "test">;
  private readonly share: Gauge<VersionLabel>;
  private readonly datasetDrift: Gauge<VersionLabel>;
  private readonly auc: Gauge<VersionLabel>;
  private readonly rmse: Gauge<VersionLabel>;
  private readonly accuracy: Gauge<VersionLabel>;
  private readonly alerts: Gauge<"deployment" | "rule">;
  /** The feature series last set per version, so a run can remove those it no longer reports. */
  private readonly featureSeries = new Map<string, Record<string, string>[]>();

  constructor(registry: Registry) {
    const gauge = <L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> => {
      // One set of gauges per registry, however many services are built on it.
      const existing = registry.getSingleMetric(name);
      if (existing) return existing as Gauge<L>;
      return new Gauge<L>({ name, help, labelNames, registers: [registry] });
    };
    const version: VersionLabel[] = ["deployment", "model", "version"];
    this.featureScore = gauge(
      "modelworks_feature_drift_score",
      "Drift score of a model input in the latest monitor window (a p-value or a distance; see the test label).",
      [...version, "feature", "test"],
    );
    this.share = gauge(
      "modelworks_drifted_features_share",
      "Share of model inputs that drifted in the latest monitor window.",
      version,
    );
    this.datasetDrift = gauge(
      "modelworks_dataset_drift",
      "1 when the latest monitor window drifted as a dataset (drifted share at or above the drift share), else 0.",
      version,
    );
    this.auc = gauge(
      "modelworks_realized_auc",
      "ROC AUC of the latest monitor window's predictions whose outcomes arrived.",
      version,
    );
    this.rmse = gauge(
      "modelworks_realized_rmse",
      "RMSE of a regression model on the latest monitor window's predictions whose outcomes arrived.",
      version,
    );
    this.accuracy = gauge(
      "modelworks_realized_accuracy",
      "Accuracy of a multiclass model's label on the latest monitor window's predictions whose outcomes arrived.",
      version,
    );
    this.alerts = gauge("modelworks_alerts_firing", "1 while a monitor alert fires, 0 once resolved.", [
      "deployment",
      "rule",
    ]);
  }

  /** Publish a run's results (results without a model version change nothing). */
  setResults(results: readonly MonitorResult[]): void {
    for (const r of results) {
      if (r.modelName === undefined || r.modelVersion === undefined) continue;
      const labels = { deployment: r.deployment, model: r.modelName, version: r.modelVersion };
      const key = `${r.deployment}\u0000${r.modelName}\u0000${r.modelVersion}`;
      for (const old of this.featureSeries.get(key) ?? []) this.featureScore.remove(old);
      const series: Record<string, string>[] = [];
      for (const f of r.features) {
        if (f.test === null || f.score === null || !Number.isFinite(f.score)) continue;
        const l = { ...labels, feature: f.column, test: f.test };
        this.featureScore.set(l, f.score);
        series.push(l);
      }
      this.featureSeries.set(key, series);
      setOrRemove(this.share, labels, r.datasetDrift === null ? null : r.shareDrifted);
      setOrRemove(this.datasetDrift, labels, r.datasetDrift === null ? null : r.datasetDrift ? 1 : 0);
      setOrRemove(this.auc, labels, r.realizedAuc);
      setOrRemove(this.rmse, labels, r.realized?.kind === "regression" ? r.realized.rmse : null);
      setOrRemove(this.accuracy, labels, r.realized?.kind === "multiclass" ? r.realized.accuracy : null);
    }
  }

  /** Publish alert states: 1 for firing, 0 for resolved. */
  setAlerts(alerts: readonly Alert[]): void {
    for (const a of alerts) this.alerts.set({ deployment: a.deployment, rule: a.rule }, a.status === "firing" ? 1 : 0);
  }
}

function setOrRemove(g: Gauge<VersionLabel>, labels: Record<VersionLabel, string>, v: number | null): void {
  if (v === null || !Number.isFinite(v)) g.remove(labels);
  else g.set(labels, v);
}
