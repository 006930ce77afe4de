/** Pipelines: recent pipeline runs, newest first. */
import type { ReactNode } from "react";
import { useState } from "react";
import type { PipelineRunInfo } from "../../../src/core/api/insight-routes";
import { DataTable } from "../components/data-table";
import { Badge, ErrorBox, Loading } from "../components/status";
import { platform } from "../lib/api";
import { formatDuration, formatTime } from "../lib/format";
import { runTone } from "../lib/ops/pipeline-view";
import { href } from "../lib/router";
import { useAsync } from "../lib/use-async";

/** The pipeline run list (`#/pipelines`), refreshed every 5 s. */
export function PipelinesPage(): ReactNode {
  const [pipeline, setPipeline] = useState("");
  const { data, error, loading } = useAsync(() => platform.listPipelineRuns({ max_results: 200 }), [], 5000);
  return (
    <>
      <h1>Pipelines</h1>
      <div className="toolbar">
        <label>
          Pipeline{" "}
          <select aria-label="Pipeline" value={pipeline} onChange={(e) => setPipeline(e.target.value)}>
            <option value="">all</option>
            {[...new Set((data?.runs ?? []).map((r) => r.pipeline))].sort().map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBox error={error} />
      <Loading when={loading && !data} />
      {data ? (
        <DataTable<PipelineRunInfo>
          label="Pipeline runs"
          rows={pipeline ? data.runs.filter((r) => r.pipeline === pipeline) : data.runs}
          rowKey={(r) => r.run_id}
          empty="No pipeline runs yet: `modelworks pipeline run FILE`."
          columns={[
            {
              key: "pipeline",
              header: "Pipeline",
              cell: (r) => (
                <a href={href(`/pipelines/runs/${encodeURIComponent(r.run_id)}`)} style={{ whiteSpace: "nowrap" }}>
                  {r.pipeline}
                </a>
              ),
              sort: (r) => r.pipeline,
            },
            {
              key: "run",
              header: "Run",
              cell: (r) => <code>{r.run_id.slice(0, 12)}</code>,
            },
            {
              key: "status",
              header: "Status",
              cell: (r) => <Badge tone={runTone(r.status)}>{r.status}</Badge>,
              sort: (r) => r.status,
            },
            { key: "trigger", header: "Trigger", cell: (r) => r.trigger, sort: (r) => r.trigger },
            {
              key: "started",
              header: "Started",
              cell: (r) => <span style={{ whiteSpace: "nowrap" }}>{formatTime(r.start_time ?? r.created_time)}</span>,
              sort: (r) => r.start_time ?? r.created_time,
            },
            {
              key: "duration",
              header: "Duration",
              cell: (r) => formatDuration(runDuration(r)),
              sort: (r) => runDuration(r),
              align: "right",
            },
            { key: "error", header: "Error", cell: (r) => <span className="muted">{r.error ?? ""}</span> },
          ]}
        />
      ) : null}
    </>
  );
}

function runDuration(r: PipelineRunInfo): number | undefined {
  if (r.start_time === undefined) return undefined;
  return (r.end_time ?? Date.now()) - r.start_time;
}
