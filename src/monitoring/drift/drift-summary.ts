/** What the CLI and the HTML report both show: the verdict sentences, the row order, number formats. */
import type { ColumnDrift, DriftReport } from "./drift-types.js";

/** "Drift is detected for X% of columns (k out of n)." as Evidently words it. */
export function summarySentence(r: DriftReport): string {
  const pct = Number((r.share_drifted * 100).toFixed(2));
  return `Drift is detected for ${pct}% of columns (${r.drifted_columns} out of ${r.columns_checked}).`;
}

/** The dataset verdict and the columns that could not be tested, for humans. */
export function verdictSentence(r: DriftReport): string {
  const verdict =
    r.columns_checked === 0
      ? "No column could be tested, so there is no drift verdict."
      : r.dataset_drift
        ? `Dataset drift detected: the share of drifted columns is at least ${r.drift_share}.`
        : `No dataset drift: the share of drifted columns is below ${r.drift_share}.`;
  const n = r.columns_not_checked;
  if (n === 0) return verdict;
  return `${verdict} ${n} ${n === 1 ? "column was" : "columns were"} not checked and ${n === 1 ? "is" : "are"} not counted (see problems).`;
}

/** The rows in display order: the prediction first, then the most drifted columns, untested last. */
export function displayOrder(r: DriftReport): ColumnDrift[] {
  const rows = r.columns.map((c, i) => ({ c, i, s: driftStrength(c) }));
  rows.sort((a, b) => b.s - a.s || a.i - b.i);
  return [...(r.prediction ? [r.prediction] : []), ...rows.map((x) => x.c)];
}

/**
 * How far a column is past its threshold, comparable across tests: threshold/p for p-value
 * tests (small p is drift), distance/threshold for the others; above 1 means drifted.
 */
export function driftStrength(c: ColumnDrift): number {
  if (c.test === null || c.score === null || c.threshold === null) return Number.NEGATIVE_INFINITY;
  const ratio = c.p_value !== null ? c.threshold / c.score : c.score / c.threshold;
  return Number.isNaN(ratio) ? 0 : ratio;
}

/** A statistic or score for people: 3 decimals, or 3 significant digits when tiny. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return "-";
  if (v !== 0 && Math.abs(v) < 0.001) return v.toExponential(2);
  return String(Number(v.toFixed(3)));
}
