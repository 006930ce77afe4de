/** Metric history for charts, always reduced on the server (≤ 1000 points), never the full series. */
import type { MetricHistoryInfo } from "../../../../src/core/api/insight-routes";
import { httpStatusOf, mlflow, platform } from "../api";
import { toNumber } from "./run-fields";

export const MAX_POINTS = 1000;

type Point = MetricHistoryInfo["points"][number];

/** The platform's downsampled history; against a server without it, MLflow's sampled bulk-interval route. */
export async function fetchMetricHistory(runId: string, key: string): Promise<MetricHistoryInfo> {
  try {
    return await platform.getMetricHistory({ run_id: runId, key, max_points: MAX_POINTS });
  } catch (e) {
    // Route missing (older server): fall back; for an unknown run the fallback reports the same error.
    const status = httpStatusOf(e);
    if (status !== 404 && status !== 501) throw e;
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

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  spanGaps?: boolean;
  /** Which run (palette slot) the series belongs to. */
  color: number;
  /** Set on a run's bucket minimum and maximum, drawn light next to its last-value line. */
  extent?: "min" | "max";
}

export interface ChartData {
  x: number[];
  series: ChartSeries[];
}

/**
 * Several runs' histories on one shared x axis (uPlot wants aligned columns): the union of the x values,
 * with null where a run has no point. Time is in seconds, as uPlot's time scale expects. With `band`,
 * a downsampled run also gets its buckets' min and max, so spikes the last value hides stay visible.
 */
export function alignHistories(
  histories: { label: string; history: MetricHistoryInfo }[],
  axis: "step" | "time",
  band: boolean,
): ChartData {
  const xOf = (p: Point) => (axis === "time" ? p.timestamp / 1000 : p.step);
  const xs = new Set<number>();
  for (const h of histories) for (const p of h.history.points) xs.add(xOf(p));
  const x = [...xs].sort((a, b) => a - b);
  const index = new Map(x.map((v, i) => [v, i]));
  const series: ChartSeries[] = [];
  histories.forEach((h, color) => {
    const cols: [Omit<ChartSeries, "values">, (p: Point) => number][] = [[{ label: h.label, color }, (p) => p.value]];
    if (band && h.history.downsampled) {
      cols.push([{ label: `${h.label} (min)`, color, extent: "min" }, (p) => p.min]);
      cols.push([{ label: `${h.label} (max)`, color, extent: "max" }, (p) => p.max]);
    }
    for (const [meta, pick] of cols) {
      const values: (number | null)[] = new Array(x.length).fill(null);
      for (const p of h.history.points) {
        const v = pick(p);
        values[index.get(xOf(p)) ?? 0] = Number.isFinite(v) ? v : null;
      }
      series.push({ ...meta, values, spanGaps: true });
    }
  });
  return { x, series };
}
