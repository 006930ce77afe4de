/** Runs side by side: params and metrics (optionally only differences), metric charts, parallel coordinates. */
import type { ReactNode } from "react";
import { useMemo, useState } from "react";
import type { Run } from "../../../src/core/api/mlflow-entities";
import type { ChartAxis } from "../components/runs/axis-select";
import { AxisSelect } from "../components/runs/axis-select";
import { CompareTable, differs } from "../components/runs/compare-table";
import { MetricHistoryChart } from "../components/runs/metric-history-chart";
import { ParallelCoordinates } from "../components/runs/parallel-coordinates";
import { Empty, ErrorBox, Loading } from "../components/status";
import { mlflow } from "../lib/api";
import { formatDuration, formatTime } from "../lib/format";
import { href } from "../lib/router";
import { kvMap, metricMap, runName } from "../lib/runs/run-fields";
import { useAsync } from "../lib/use-async";

/** Comparing more runs than this is unreadable side by side (and costs a request each). */
const MAX_RUNS = 20;
/** Up to this many runs, the parameter and metric tables fit next to each other at 1280 px. */
const SIDE_BY_SIDE = 3;

/** `#/compare?runs=a,b,c` */
export function ComparePage({ query }: { query: URLSearchParams }): ReactNode {
  const ids = (query.get("runs") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .slice(0, MAX_RUNS);
  const key = ids.join(",");
  const loaded = useAsync(() => Promise.all(ids.map((id) => mlflow.getRun({ run_id: id }).then((r) => r.run))), [key]);
  if (ids.length === 0) {
    return (
      <div>
        <h1>Compare runs</h1>
        <Empty>
          No runs chosen. Select runs in an <a href={href("/experiments")}>experiment</a> and press Compare.
        </Empty>
      </div>
    );
  }
  return (
    <div>
      <h1>Compare {ids.length} runs</h1>
      <ErrorBox error={loaded.error} />
      <Loading when={loaded.loading && !loaded.data} />
      {loaded.data ? <CompareBody key={loaded.data.map((r) => r.info.run_id).join(",")} runs={loaded.data} /> : null}
    </div>
  );
}

function CompareBody({ runs }: { runs: Run[] }): ReactNode {
  const [onlyDiffs, setOnlyDiffs] = useState(false);
  const [keyFilter, setKeyFilter] = useState("");
  const [axis, setAxis] = useState<ChartAxis>("step");
  const cols = useMemo(() => runs.map((r) => ({ id: r.info.run_id, label: runName(r) })), [runs]);
  const params = useMemo(() => runs.map((r) => kvMap(r.data.params)), [runs]);
  const metrics = useMemo(() => runs.map((r) => metricMap(r)), [runs]);
  const metricKeys = useMemo(() => [...new Set(metrics.flatMap((m) => Object.keys(m)))].sort(), [metrics]);
  // Start on a metric that tells the runs apart, if there is one.
  const [metric, setMetric] = useState(() => metricKeys.find((k) => differs(metrics, k)) ?? metricKeys[0] ?? "");
  const parallel = useMemo(
    () =>
      runs.map((r, i) => ({
        id: r.info.run_id,
        label: runName(r),
        params: params[i] ?? {},
        metric: metrics[i]?.[metric],
      })),
    [runs, params, metrics, metric],
  );
  return (
    <>
      <table className="data" aria-label="Runs compared">
        <thead>
          <tr>
            <th>Run</th>
            <th>Experiment</th>
            <th>Status</th>
            <th>Started</th>
            <th>Duration</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.info.run_id}>
              <td>
                <a href={href(`/runs/${r.info.run_id}`)}>{runName(r)}</a>
              </td>
              <td>
                <a href={href(`/experiments/${r.info.experiment_id}`)}>{r.info.experiment_id}</a>
              </td>
              <td>{r.info.status}</td>
              <td>{formatTime(r.info.start_time)}</td>
              <td>{r.info.start_time && r.info.end_time ? formatDuration(r.info.end_time - r.info.start_time) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="toolbar" style={{ marginTop: 16 }}>
        <label>
          <input type="checkbox" checked={onlyDiffs} onChange={(e) => setOnlyDiffs(e.target.checked)} /> Only show
          differences
        </label>
        <input
          aria-label="Filter keys"
          placeholder="Filter keys"
          value={keyFilter}
          onChange={(e) => setKeyFilter(e.target.value)}
        />
      </div>
      {/* Side by side while both tables fit in half the page; with more runs, one above the other. */}
      <div className={runs.length <= SIDE_BY_SIDE ? "grid2" : undefined}>
        {/* min-width 0 lets a grid cell shrink to the page so its table scrolls instead of pushing past it. */}
        <section style={{ minWidth: 0 }}>
          <h2>Parameters</h2>
          <CompareTable label="Parameters" runs={cols} values={params} onlyDiffs={onlyDiffs} keyFilter={keyFilter} />
        </section>
        <section style={{ minWidth: 0 }}>
          <h2>Metrics</h2>
          <CompareTable label="Metrics" runs={cols} values={metrics} onlyDiffs={onlyDiffs} keyFilter={keyFilter} />
        </section>
      </div>
      <h2>Charts</h2>
      {metricKeys.length === 0 ? (
        <p className="muted">These runs logged no metrics.</p>
      ) : (
        <>
          <div className="toolbar">
            <label htmlFor="compare-metric">Metric</label>
            <select id="compare-metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
              {metricKeys.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
            <AxisSelect id="compare-axis" value={axis} onChange={setAxis} />
          </div>
          <MetricHistoryChart runs={cols} metricKey={metric} axis={axis} band />
          <h3>Parameters against {metric}</h3>
          <ParallelCoordinates runs={parallel} metricKey={metric} />
        </>
      )}
    </>
  );
}
