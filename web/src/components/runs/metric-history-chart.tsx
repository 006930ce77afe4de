/** One metric's history for one or more runs, downsampled on the server, drawn with uPlot. */
import type { ReactNode } from "react";
import { useMemo } from "react";
import { alignHistories, fetchMetricHistory } from "../../lib/runs/metric-history";
import { useAsync } from "../../lib/use-async";
import { LineChart } from "../line-chart";
import { ErrorBox, Loading } from "../status";

export interface MetricHistoryChartProps {
  runs: { id: string; label: string }[];
  metricKey: string;
  axis: "step" | "time";
  /** Draw each downsampled bucket's min and max too (light lines per run), so spikes stay visible. */
  band?: boolean;
  /** Called after each draw of the chart; keep it stable (useCallback): a new one redraws the chart. */
  onDrawn?: () => void;
}

/** Fetches every run's history in parallel (≤ 1000 points each) and draws them on a shared x axis. */
export function MetricHistoryChart({ runs, metricKey, axis, band, onDrawn }: MetricHistoryChartProps): ReactNode {
  const ids = runs.map((r) => r.id).join(",");
  const loaded = useAsync(
    () => Promise.all(runs.map(async (r) => ({ label: r.label, history: await fetchMetricHistory(r.id, metricKey) }))),
    [ids, metricKey],
  );
  const data = useMemo(
    () => (loaded.data ? alignHistories(loaded.data, axis, Boolean(band)) : undefined),
    [loaded.data, axis, band],
  );
  const total = loaded.data?.reduce((n, h) => n + h.history.total_points, 0) ?? 0;
  const shown = loaded.data?.reduce((n, h) => n + h.history.points.length, 0) ?? 0;
  const extremes = Boolean(band) && Boolean(loaded.data?.some((h) => h.history.downsampled));
  return (
    <figure style={{ margin: "8px 0" }} aria-label={`Chart of ${metricKey}`}>
      <ErrorBox error={loaded.error} />
      <Loading when={loaded.loading && !loaded.data} />
      {data && shown === 0 ? <p className="muted">No history logged for {metricKey}.</p> : null}
      {data && shown > 0 ? (
        <LineChart x={data.x} series={data.series} time={axis === "time"} title={metricKey} onDrawn={onDrawn} />
      ) : null}
      {loaded.data && shown > 0 ? (
        <figcaption className="muted">
          {shown < total
            ? `${shown.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} points (downsampled on the server: ${extremes ? "the line is each bucket's last value, the light lines its min and max" : "each bucket's last value"}).`
            : `${total.toLocaleString("en-US")} points.`}
        </figcaption>
      ) : null}
    </figure>
  );
}
