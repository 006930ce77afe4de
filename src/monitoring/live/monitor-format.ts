/** Human-readable monitors, results and alerts for the CLI (from the wire objects). */
import type {
  AlertInfo,
  MonitorConfigInfo,
  MonitorResultInfo,
  MonitorStatusInfo,
  NotifierInfo,
} from "../../core/api/platform-routes.js";
import { formatDuration } from "../../core/duration.js";
import { alignRows } from "../../data/profile/format.js";

/** The settings of a monitor in a few lines. */
export function formatConfig(c: MonitorConfigInfo, heading = "Monitor"): string {
  const window =
    c.window_rows !== undefined
      ? `the last ${c.window_rows} predictions`
      : `the last ${formatDuration(c.window_ms ?? 0)}`;
  const rules = c.alerts.map((a) => {
    const rule =
      a.rule === "feature_drift"
        ? `feature_drift:${a.feature}`
        : a.rule === "error_rate"
          ? `error_rate>${a.max}`
          : a.rule === "feature_freshness"
            ? `feature_freshness:${a.view}>${formatDuration(a.max_age_ms ?? 0)}`
            : a.rule;
    return a.pipeline ? `${rule} → pipeline ${a.pipeline}` : rule;
  });
  return [
    `${heading} of ${c.deployment}: every ${formatDuration(c.interval_ms)} over ${window}`,
    `  realized performance: ≥ ${c.min_labels} labels; concept drift when AUC < training − ${c.auc_margin} or log loss > training + ${c.log_loss_margin} (binary),`,
    `                        RMSE > training × (1 + ${c.rmse_margin}) (regression), accuracy < training − ${c.accuracy_margin} (multiclass)`,
    `  dataset drift:        ≥ ${num(c.drift_share * 100)}% of features drifted`,
    `  drift reference:      ${c.reference ? `dataset ${c.reference}` : "each model version's own (its package's, else its run's training dataset)"}`,
    `  alerts:               ${rules.length ? rules.join(", ") : "none"}`,
    `  notify:               ${c.notify.length ? c.notify.map(notifierText).join(", ") : "no one"}`,
    `  last run:             ${c.last_run_time !== undefined ? when(c.last_run_time) : "never"}`,
  ].join("\n");
}

/** A monitor's status: settings, the latest result per model version, recent results, firing alerts. */
export function formatStatus(s: MonitorStatusInfo): string {
  const parts = [formatConfig(s.monitor)];
  const b = s.window_backfill;
  if (b) {
    // Until it finishes, time windows over rows logged before the aggregates undercount.
    parts.push(
      `  window aggregates:    building from earlier predictions (${b.built_rows} built, through ${when(Math.max(b.through_time, 0))} of ${when(b.until_time)})`,
    );
  }
  if (s.latest.length === 0) parts.push("", "No results yet.");
  for (const r of s.latest) parts.push("", formatResult(r));
  if (s.series.length > 0) parts.push("", "Recent runs (newest first):", formatSeries(s.series));
  parts.push("", s.alerts.length ? "Firing alerts:" : "No alerts firing.");
  if (s.alerts.length) parts.push(formatAlerts(s.alerts));
  return parts.join("\n");
}

/** One result with its per-feature verdicts. */
export function formatResult(r: MonitorResultInfo): string {
  const model = r.model !== undefined ? `${r.model}/${r.version}` : "(no model)";
  const lines = [
    `${model}: ${r.rows} predictions, ${r.labelled_rows} labelled, ${when(r.window_start)} → ${when(r.window_end)}` +
      (r.reference ? ` (reference: ${r.reference})` : ""),
  ];
  if (r.error) lines.push(`  run failed: ${r.error}`);
  if (r.dataset_drift !== null) {
    lines.push(
      `  dataset drift: ${r.dataset_drift ? "YES" : "no"} (${r.drifted_features} of ${r.features.length} features drifted, ${num((r.share_drifted ?? 0) * 100)}%)`,
    );
  }
  const drift = `concept drift: ${r.concept_drift === null ? "not judged" : r.concept_drift ? "YES" : "no"}`;
  const k = r.realized;
  if (k?.kind === "regression") {
    lines.push(
      `  realized RMSE ${num(k.rmse as number)} (training ${num(k.training_rmse as number)}), MAE ${num(k.mae as number)}; ${drift}`,
    );
  } else if (k?.kind === "multiclass") {
    lines.push(
      `  realized accuracy ${num(k.accuracy as number)} (training ${num(k.training_accuracy as number)}); ${drift}`,
    );
  } else if (r.realized_auc !== null || r.concept_drift !== null) {
    lines.push(
      `  realized AUC ${num(r.realized_auc)} (training ${num(r.training_auc)}), log loss ${num(r.realized_log_loss)} ` +
        `(training ${num(r.training_log_loss)}), calibration error ${num(r.calibration_error)}; ${drift}`,
    );
  }
  if (r.features.length > 0) {
    const rows = [["FEATURE", "TEST", "SCORE", "THRESHOLD", "DRIFTED"]];
    for (const f of r.features) {
      rows.push([
        f.column,
        f.test ?? "-",
        num(f.score),
        num(f.threshold),
        f.problem ? `- (${f.problem})` : f.drifted ? "YES" : "no",
      ]);
    }
    lines.push(...alignRows(rows).map((l) => `  ${l}`));
  }
  for (const n of r.notes) lines.push(`  note: ${n}`);
  return lines.join("\n");
}

/** Results as a table, one line each. */
export function formatSeries(results: readonly MonitorResultInfo[]): string {
  const rows = [["TIME", "MODEL", "ROWS", "LABELLED", "DATASET DRIFT", "SHARE", "REALIZED", "CONCEPT DRIFT"]];
  for (const r of results) {
    rows.push([
      when(r.time),
      r.model !== undefined ? `${r.model}/${r.version}` : "-",
      String(r.rows),
      String(r.labelled_rows),
      r.error ? "error" : yesNo(r.dataset_drift),
      num(r.share_drifted),
      realizedText(r),
      yesNo(r.concept_drift),
    ]);
  }
  return alignRows(rows).join("\n");
}

/** Alerts as a table. */
export function formatAlerts(alerts: readonly AlertInfo[]): string {
  if (alerts.length === 0) return "No alerts.";
  const rows = [["DEPLOYMENT", "RULE", "STATUS", "SINCE", "VALUE", "THRESHOLD", "MESSAGE"]];
  for (const a of alerts) {
    const status =
      a.status === "resolved" && a.resolved_time !== undefined ? `resolved ${when(a.resolved_time)}` : a.status;
    rows.push([a.deployment, a.rule, status, when(a.first_time), num(a.value), num(a.threshold), a.message]);
  }
  return alignRows(rows).join("\n");
}

/** The headline realized metric of a result: AUC (binary), RMSE (regression) or accuracy (multiclass). */
function realizedText(r: MonitorResultInfo): string {
  const k = r.realized;
  if (k?.kind === "regression") return k.rmse === null ? "-" : `rmse ${num(k.rmse as number)}`;
  if (k?.kind === "multiclass") return k.accuracy === null ? "-" : `accuracy ${num(k.accuracy as number)}`;
  return r.realized_auc === null ? "-" : `auc ${num(r.realized_auc)}`;
}

function notifierText(n: NotifierInfo): string {
  if (n.type === "log") return "log";
  let host = "(invalid URL)";
  try {
    host = new URL(n.url ?? "").host;
  } catch {}
  return `${n.type} ${host}${n.secret_set ? " (signed)" : ""}`;
}

function yesNo(v: boolean | null): string {
  return v === null ? "-" : v ? "YES" : "no";
}

function num(x: number | null | undefined): string {
  return x === null || x === undefined ? "-" : String(Number(x.toPrecision(3)));
}

function when(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}
