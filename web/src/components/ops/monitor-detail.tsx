/** A deployment's monitoring: drift over time, the latest per-feature drift, realized performance, alerts. */
import type { ReactNode } from "react";
import { useMemo, useState } from "react";
import type { AlertInfo, MonitorResultInfo, MonitorStatusInfo } from "../../../../src/core/api/platform-routes";
import { platform } from "../../lib/api";
import { formatDuration, formatNumber, formatPercent, formatTime } from "../../lib/format";
import {
  driftSeries,
  featureNames,
  hasRealized,
  performanceSeries,
  resultsFor,
  shareSeries,
  topFeatures,
  versionKey,
} from "../../lib/ops/monitor-series";
import { loadReferenceProfile } from "../../lib/ops/reference-profile";
import { useAsync } from "../../lib/use-async";
import { LineChart } from "../line-chart";
import { Badge, Empty } from "../status";
import { AlertsTable } from "./alerts-table";
import { DriftTable } from "./drift-table";
import { FeaturePicker } from "./feature-picker";

/** `results` are the recent results, newest first, as the results route returns them. */
export function MonitorDetail({
  status,
  results,
  alerts,
}: {
  status: MonitorStatusInfo;
  results: MonitorResultInfo[];
  alerts: AlertInfo[];
}): ReactNode {
  const m = status.monitor;
  const versions = useMemo(() => [...new Set(results.map(versionKey))], [results]);
  const [picked, setPicked] = useState<string>();
  const version = picked && versions.includes(picked) ? picked : (versions[0] ?? "");
  const series = useMemo(() => resultsFor(results, version), [results, version]);
  const latest = series[series.length - 1];
  const features = useMemo(() => featureNames(series), [series]);
  const model = latest?.model;
  const modelVersion = latest?.version;
  // Only the selected version's package profile is fetched (about 10 KB).
  const reference = useAsync(
    async () => (model && modelVersion ? loadReferenceProfile(model, modelVersion) : undefined),
    [model, modelVersion],
  );
  // The latest result again, with its reference-vs-current histograms (sent only on request).
  const latestId = latest?.id;
  const plotted = useAsync(async () => {
    if (!latestId || !model || !modelVersion) return undefined;
    const { results: found } = await platform.listMonitorResults({
      name: m.deployment,
      limit: 1,
      model,
      version: modelVersion,
      histograms: true,
    });
    // Monitors keep running: this may be a newer result than `latest`; the section shows this one.
    return found[0];
  }, [latestId, model, modelVersion, m.deployment]);
  const shownResult = plotted.data ?? latest;
  const histograms = useMemo(
    () =>
      new Map((plotted.data?.features ?? []).flatMap((f) => (f.histogram ? [[f.column, f.histogram] as const] : []))),
    [plotted.data],
  );
  const [chosen, setChosen] = useState<string[]>();
  const shown = chosen ?? topFeatures(latest, 5);
  const shownKey = shown.join("\u0000");
  // biome-ignore lint/correctness/useExhaustiveDependencies: shownKey stands for `shown` (a fresh array each render).
  const drift = useMemo(() => driftSeries(series, shown), [series, shownKey]);
  const share = useMemo(() => shareSeries(series, m.drift_share), [series, m.drift_share]);
  const perf = useMemo(() => performanceSeries(series), [series]);
  const span = m.window_rows ? `last ${m.window_rows} predictions` : `last ${formatDuration(m.window_ms)}`;
  return (
    <>
      <p className="muted">
        Runs every {formatDuration(m.interval_ms)} over the {span}; dataset drift when ≥{" "}
        {formatPercent(m.drift_share, 0)} of features drift; realized performance needs {m.min_labels} labels. Last run{" "}
        {formatTime(m.last_run_time)}.
      </p>
      <div className="toolbar">
        <label>
          Model version{" "}
          <select aria-label="Model version" value={version} onChange={(e) => setPicked(e.target.value)}>
            {versions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">{series.length} results</span>
      </div>
      <h2>Drift over time</h2>
      {series.length === 0 ? (
        <Empty>No monitor results yet.</Empty>
      ) : (
        <>
          <FeaturePicker features={features} selected={shown} onChange={setChosen} />
          {shown.length ? (
            <LineChart x={drift.x} series={drift.series} time title="Drift score per feature" height={240} />
          ) : (
            <Empty>Pick features to draw.</Empty>
          )}
          <LineChart x={share.x} series={share.series} time title="Share of drifted features" height={180} />
        </>
      )}
      <h2>Distributions</h2>
      {shownResult ? (
        <>
          <p>
            Latest result {formatTime(shownResult.time)}: {shownResult.rows} rows against the{" "}
            {shownResult.reference ?? "training"} reference ·{" "}
            {shownResult.dataset_drift === null ? (
              <span className="muted">drift not computed</span>
            ) : (
              <Badge tone={shownResult.dataset_drift ? "bad" : "ok"}>
                {shownResult.dataset_drift ? "dataset drift" : "no dataset drift"}
              </Badge>
            )}{" "}
            {shownResult.drifted_features ?? 0} of {shownResult.features.length} features drifted
          </p>
          <p className="muted">
            Each feature's test score against its threshold (the mark), and its distribution in the reference (grey) and
            in the monitored window (blue) over shared bins or the top categories; hover a bin for its shares.
            {histograms.size ? "" : " Histograms are not recorded for this result: the reference profile is shown."}
          </p>
          {shownResult.notes.length ? <p className="muted">{shownResult.notes.join(" · ")}</p> : null}
          <DriftTable result={shownResult} reference={reference.data} histograms={histograms} />
        </>
      ) : (
        <Empty>No result for this version.</Empty>
      )}
      <h2>Realized performance</h2>
      {latest ? <PerformanceCards r={latest} /> : null}
      {hasRealized(series) ? (
        <LineChart x={perf.x} series={perf.series} time title="Realized vs training" height={220} />
      ) : (
        <Empty>
          No realized performance yet for {version}
          {latest?.notes.length ? `: ${latest.notes.join("; ")}` : ""}.
        </Empty>
      )}
      <h2>Alerts</h2>
      <AlertsTable alerts={alerts} />
    </>
  );
}

function PerformanceCards({ r }: { r: MonitorResultInfo }): ReactNode {
  const card = (label: string, now: number | null, train: number | null) => (
    <div className="card">
      <div className="label">{label}</div>
      <div className="value">{now === null ? "–" : formatNumber(now)}</div>
      {train !== null ? <div className="muted">training {formatNumber(train)}</div> : null}
    </div>
  );
  const k = r.realized;
  const metric = (name: string) => (k?.[name] as number | null | undefined) ?? null;
  return (
    <div className="cards">
      {k?.kind === "regression" ? (
        <>
          {card("RMSE", metric("rmse"), metric("training_rmse"))}
          {card("MAE", metric("mae"), null)}
        </>
      ) : k?.kind === "multiclass" ? (
        card("Accuracy", metric("accuracy"), metric("training_accuracy"))
      ) : (
        <>
          {card("AUC", r.realized_auc, r.training_auc)}
          {card("Log loss", r.realized_log_loss, r.training_log_loss)}
          {card("ECE", r.calibration_error, null)}
        </>
      )}
      <div className="card">
        <div className="label">Labelled rows</div>
        <div className="value">{r.labelled_rows}</div>
        <div className="muted">
          concept drift:{" "}
          {r.concept_drift === null ? (
            "not judged"
          ) : (
            <Badge tone={r.concept_drift ? "bad" : "ok"}>{String(r.concept_drift)}</Badge>
          )}
        </div>
      </div>
    </div>
  );
}
