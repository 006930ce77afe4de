/** Metric history for charts, always reduced on the server (≤ 1000 points), never the full series. */
import { getJson, mlflow } from "../api";
import type { MetricHistoryWire } from "../wire";
import { toNumber } from "./run-fields";

export const MAX_POINTS = 1000;

/** The platform's downsampled history; against a server without it, MLflow's sampled bulk-interval route. */
export async function fetchMetricHistory(runId: string, key: string): Promise<MetricHistoryWire> {
  try {
    return await getJson<MetricHistoryWire>(`/api/modelworks/v1/runs/${encodeURIComponent(runId)}/metric-history`, {
      key,
      max_points: MAX_POINTS,
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : "";
    // Route missing (older server): fall back; for an unknown run the fallback reports the same error.
    if (!/^(404|501):/.test(msg)) throw e;
    const res = await mlflow.getMetricHistoryBulkInterval({
      run_ids: [runId],
      metric_key: key,
      max_results: MAX_POINTS,
    });
    const points = (res.metrics ?? []).map((m) => {
      const value = toNumber(m.value) ?? Number.NaN;
      return { step: m.step, timestamp: m.timestamp, value, min: value, max: value };
    });
    return { run_id: runId, key, total_points: points.length, downsampled: false, points };
  }
}

export interface ChartData {
  x: number[];
  series: { label: string; values: (number | null)[]; spanGaps?: boolean }[];
}

/**
 * Several runs' histories on one shared x axis (uPlot wants aligned columns): the union of the x values,
 * with null where a run has no point. Time is in seconds, as uPlot's time scale expects.
 */
export function alignHistories(
  histories: { label: string; history: MetricHistoryWire }[],
  axis: "step" | "time",
  band: boolean,
): ChartData {
  const xOf = (p: MetricHistoryWire["points"][number]) => (axis === "time" ? p.timestamp / 1000 : p.step);
  const xs = new Set<number>();
  for (const h of histories) for (const p of h.history.points) xs.add(xOf(p));
  const x = [...xs].sort((a, b) => a - b);
  const index = new Map(x.map((v, i) => [v, i]));
  const series: ChartData["series"] = [];
  for (const h of histories) {
    const cols: [string, (p: MetricHistoryWire["points"][number]) => number][] = [[h.label, (p) => p.value]];
    // The bucket extremes keep spikes visible that a last-value-per-bucket line would hide.
    if (band && h.history.downsampled)
      cols.push([`${h.label} (min)`, (p) => p.min], [`${h.label} (max)`, (p) => p.max]);
    for (const [label, pick] of cols) {
      const values: (number | null)[] = new Array(x.length).fill(null);
      for (const p of h.history.points) {
        const v = pick(p);
        values[index.get(xOf(p)) ?? 0] = Number.isFinite(v) ? v : null;
      }
      series.push({ label, values, spanGaps: true });
    }
  }
  return { x, series };
}
