/** One run: its facts, children, params, metrics (with charts), tags, dataset inputs, logged models and artifacts. */
import type { ReactNode, RefObject } from "react";
import { useCallback, useEffect, useRef, useState } from "react";
import type { FileInfo, Run } from "../../../src/core/api/mlflow-entities";
import { RunLoggedModels } from "../components/logged-models/run-logged-models";
import { ArtifactPreview } from "../components/runs/artifact-preview";
import { ArtifactTree } from "../components/runs/artifact-tree";
import type { ChartAxis } from "../components/runs/axis-select";
import { AxisSelect } from "../components/runs/axis-select";
import { KeyValueTable } from "../components/runs/key-value-table";
import { MetricHistoryChart } from "../components/runs/metric-history-chart";
import { ParamsSection } from "../components/runs/params-section";
import { RunFacts } from "../components/runs/run-facts";
import { TagsSection } from "../components/runs/tags-section";
import { ErrorBox, Loading } from "../components/status";
import { mlflow } from "../lib/api";
import { formatNumber, formatTime } from "../lib/format";
import { href, replaceQuery } from "../lib/router";
import { runName, toNumber } from "../lib/runs/run-fields";
import { useAsync } from "../lib/use-async";

/** `#/runs/:id` (`?metric=KEY` opens that metric's chart straight away). */
export function RunPage({ runId, query }: { runId: string; query: URLSearchParams }): ReactNode {
  const metric = query.get("metric") ?? "";
  const [axis, setAxis] = useState<ChartAxis>("step");
  const [file, setFile] = useState<FileInfo>();
  const loaded = useAsync(() => mlflow.getRun({ run_id: runId }), [runId]);
  const run = loaded.data?.run;
  const showMetric = (key: string) => replaceQuery(`/runs/${runId}`, { metric: key || undefined });
  const chartBox = useScrollWhenAsked(metric, run !== undefined);
  return (
    <div>
      <p className="muted">
        <a href={href("/experiments")}>Experiments</a>
        {run ? (
          <>
            {" / "}
            <a href={href(`/experiments/${run.info.experiment_id}`)}>experiment {run.info.experiment_id}</a>
          </>
        ) : null}{" "}
        / run
      </p>
      <h1>{run ? runName(run) : loaded.error ? `Run ${runId}` : "…"}</h1>
      <ErrorBox error={loaded.error} />
      <Loading when={loaded.loading && !run} />
      {run ? <RunFacts run={run} /> : null}
      {run ? <ParamsSection params={run.data.params ?? []} /> : null}
      <section>
        <h2>Metrics</h2>
        {/* The chart does not wait for the run: with ?metric=KEY both requests go out at once. */}
        {metric ? (
          <div ref={chartBox.ref} style={{ scrollMarginTop: 48 }}>
            <div className="toolbar">
              <strong>{metric}</strong>
              <AxisSelect id="run-metric-axis" value={axis} onChange={setAxis} />
              <button type="button" onClick={() => showMetric("")}>
                Close chart
              </button>
            </div>
            <MetricHistoryChart
              runs={[{ id: runId, label: metric }]}
              metricKey={metric}
              axis={axis}
              band
              onDrawn={chartBox.onDrawn}
            />
          </div>
        ) : null}
        {run ? <Metrics run={run} current={metric} onPick={showMetric} /> : null}
      </section>
      {run ? <TagsSection tags={run.data.tags ?? []} /> : null}
      {run ? <Datasets run={run} /> : null}
      {run ? <RunLoggedModels run={run} /> : null}
      {run ? (
        <section>
          <h2>Artifacts</h2>
          <div style={{ display: "grid", gridTemplateColumns: "minmax(200px, 300px) 1fr", gap: 16 }}>
            <ArtifactTree runId={runId} selected={file?.path} onSelect={setFile} />
            <ArtifactPreview runId={runId} file={file} />
          </div>
        </section>
      ) : null}
    </div>
  );
}

/**
 * A link with `?metric=KEY` is followed to see that chart, which sits below the run's facts and params:
 * once it is drawn and the run above it has rendered (so nothing moves it down again), scroll it into
 * view, once. Charts opened by clicking a metric on the page stay where the reader put them.
 */
function useScrollWhenAsked(
  metric: string,
  runShown: boolean,
): { ref: RefObject<HTMLDivElement | null>; onDrawn: () => void } {
  const ref = useRef<HTMLDivElement>(null);
  const asked = useRef(metric);
  const done = useRef(false);
  const [drawn, setDrawn] = useState(false);
  const onDrawn = useCallback(() => setDrawn(true), []);
  useEffect(() => {
    if (done.current || !drawn || !runShown || !asked.current || metric !== asked.current) return;
    done.current = true;
    ref.current?.scrollIntoView({ block: "start" });
  }, [drawn, runShown, metric]);
  return { ref, onDrawn };
}

function Metrics({ run, current, onPick }: { run: Run; current: string; onPick: (k: string) => void }): ReactNode {
  return (
    <KeyValueTable
      label="Metrics"
      rows={run.data.metrics ?? []}
      rowKey={(m) => m.key}
      headers={["Name", "Latest value", "Step", "Logged"]}
      cells={(m) => [
        <button
          key="k"
          type="button"
          className="link"
          style={{ color: "#2563eb", fontWeight: m.key === current ? 600 : undefined }}
          aria-pressed={m.key === current}
          title="Show this metric's history"
          onClick={() => onPick(m.key)}
        >
          {m.key}
        </button>,
        formatNumber(toNumber(m.value)),
        m.step,
        formatTime(m.timestamp),
      ]}
      empty="No metrics logged."
    />
  );
}

function Datasets({ run }: { run: Run }): ReactNode {
  const inputs = run.inputs?.dataset_inputs ?? [];
  return (
    <section>
      <h2>Datasets</h2>
      <KeyValueTable
        label="Datasets"
        rows={inputs}
        rowKey={(d) => `${d.dataset.name}@${d.dataset.digest}`}
        headers={["Name", "Digest", "Context", "Source"]}
        cells={(d) => [
          <a key="n" href={href(`/datasets/${encodeURIComponent(d.dataset.name)}`, { digest: d.dataset.digest })}>
            {d.dataset.name}
          </a>,
          <span key="d" className="mono">
            {d.dataset.digest}
          </span>,
          d.tags?.find((t) => t.key === "mlflow.data.context")?.value ?? "",
          <span key="s" className="mono">
            {d.dataset.source_type}: {d.dataset.source}
          </span>,
        ]}
        empty="No dataset inputs logged."
      />
    </section>
  );
}
