/** One pipeline run: the DAG, each step's state and cache use, and the selected step's log. */
import type { ReactNode } from "react";
import { useEffect, useState } from "react";
import type { PipelineStepInfo } from "../../../src/core/api/insight-routes";
import { ConfirmButton } from "../components/confirm-button";
import { DataTable } from "../components/data-table";
import { PipelineDag } from "../components/ops/pipeline-dag";
import { Badge, ErrorBox, Loading } from "../components/status";
import { platform } from "../lib/api";
import { formatDuration, formatTime } from "../lib/format";
import { isRunLive, runTone } from "../lib/ops/pipeline-view";
import { href } from "../lib/router";
import { useAsync } from "../lib/use-async";

/** `#/pipelines/runs/:id`; polls every 2 s while the run is queued or running. */
export function PipelineRunPage({ runId }: { runId: string }): ReactNode {
  const [live, setLive] = useState(false);
  const state = useAsync(() => platform.getPipelineRun({ run_id: runId }), [runId], live ? 2000 : undefined);
  const status = state.data?.run.status;
  useEffect(() => setLive(isRunLive(status)), [status]);
  const [picked, setPicked] = useState<string>();
  const steps = state.data?.steps ?? [];
  // Default to the step people open the page for: the failed one, else the last that ran.
  const selected =
    picked ??
    steps.find((s) => s.status === "failed")?.step ??
    [...steps].reverse().find((s) => s.status !== "pending" && s.status !== "skipped")?.step ??
    steps[0]?.step;
  const run = state.data?.run;
  return (
    <>
      <p className="muted" style={{ margin: "0 0 4px" }}>
        <a href={href("/pipelines")}>Pipelines</a>
      </p>
      <h1>
        {run ? `${run.pipeline} ` : "Pipeline run "}
        <code style={{ fontSize: 14 }}>{runId}</code>
      </h1>
      <ErrorBox error={state.error} />
      <Loading when={state.loading && !state.data} />
      {run ? (
        <>
          <dl className="props">
            <dt>Status</dt>
            <dd>
              <Badge tone={runTone(run.status)}>{run.status}</Badge>
              {run.error ? <span style={{ color: "var(--bad)" }}> {run.error}</span> : null}{" "}
              {run.status === "queued" || run.status === "running" ? (
                <ConfirmButton
                  label="Cancel run"
                  danger
                  question={`Cancel ${run.pipeline} run ${runId}? Running commands are stopped and the remaining steps skipped.`}
                  onConfirm={async () => {
                    await platform.cancelPipelineRun({ run_id: runId });
                    state.reload();
                  }}
                />
              ) : null}
            </dd>
            <dt>Trigger</dt>
            <dd>{run.trigger}</dd>
            <dt>Started</dt>
            <dd>
              {formatTime(run.start_time ?? run.created_time)}
              {run.start_time !== undefined && run.end_time !== undefined
                ? ` · took ${formatDuration(run.end_time - run.start_time)}`
                : ""}
            </dd>
            {run.tracking_run_id ? (
              <>
                <dt>Tracking run</dt>
                <dd>
                  <a href={href(`/runs/${encodeURIComponent(run.tracking_run_id)}`)}>{run.tracking_run_id}</a>
                </dd>
              </>
            ) : null}
            <dt>Params</dt>
            <dd className="mono">
              {Object.entries(run.params)
                .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
                .join("  ")}
            </dd>
          </dl>
          <h2>Graph</h2>
          <PipelineDag steps={steps} selected={selected} onSelect={setPicked} />
          <h2>Steps</h2>
          <DataTable<PipelineStepInfo>
            label="Steps"
            rows={steps}
            rowKey={(s) => s.step}
            columns={[
              {
                key: "step",
                header: "Step",
                cell: (s) => (
                  <button
                    type="button"
                    className="link"
                    style={{ color: "var(--accent)", fontWeight: s.step === selected ? 700 : undefined }}
                    aria-pressed={s.step === selected}
                    onClick={() => setPicked(s.step)}
                  >
                    {s.step}
                  </button>
                ),
                sort: (s) => s.step,
              },
              { key: "type", header: "Type", cell: (s) => s.type, sort: (s) => s.type },
              {
                key: "state",
                header: "State",
                cell: (s) => <Badge tone={runTone(s.status)}>{s.status}</Badge>,
                sort: (s) => s.status,
              },
              { key: "attempts", header: "Attempts", cell: (s) => s.attempts, align: "right" },
              {
                key: "duration",
                header: "Duration",
                cell: (s) => formatDuration(s.duration_ms),
                sort: (s) => s.duration_ms,
                align: "right",
              },
              {
                key: "cache",
                header: "Cache",
                cell: (s) => <Badge tone={s.cache === "hit" ? "info" : undefined}>{s.cache}</Badge>,
                sort: (s) => s.cache,
              },
              {
                key: "run",
                header: "Tracking run",
                cell: (s) =>
                  s.tracking_run_id ? (
                    <a href={href(`/runs/${encodeURIComponent(s.tracking_run_id)}`)}>
                      {s.tracking_run_id.slice(0, 12)}
                    </a>
                  ) : (
                    ""
                  ),
              },
              {
                key: "detail",
                header: "Outputs / error",
                cell: (s) =>
                  s.error ? (
                    <span style={{ color: "var(--bad)" }}>{s.error}</span>
                  ) : (
                    <>
                      <DatasetOutput outputs={s.outputs} />
                      <span className="muted mono">{summarize(s.outputs)}</span>
                    </>
                  ),
              },
            ]}
          />
          <h2>Log{selected ? `: ${selected}` : ""}</h2>
          {selected ? <StepLog runId={runId} step={selected} poll={live} /> : null}
        </>
      ) : null}
    </>
  );
}

function StepLog({ runId, step, poll }: { runId: string; step: string; poll: boolean }): ReactNode {
  const log = useAsync(
    () => platform.getPipelineStepLog({ run_id: runId, step }),
    [runId, step],
    poll ? 2000 : undefined,
  );
  return (
    <>
      <ErrorBox error={log.error} />
      <pre role="log" aria-label="Step log">
        {log.data ? log.data.log || "(empty log)" : log.loading ? "Loading…" : ""}
      </pre>
    </>
  );
}

function summarize(outputs: Record<string, unknown> | undefined): string {
  if (!outputs) return "";
  const text = Object.entries(outputs)
    .filter(([, v]) => v !== null && typeof v !== "object")
    .map(([k, v]) => `${k}=${String(v).length > 16 ? `${String(v).slice(0, 12)}…` : String(v)}`)
    .join(" ");
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}

/** Ingest steps output a dataset version: link to it. */
function DatasetOutput({ outputs }: { outputs: Record<string, unknown> | undefined }): ReactNode {
  const name = outputs?.dataset;
  const version = outputs?.version;
  if (typeof name !== "string" || (typeof version !== "number" && typeof version !== "string")) return null;
  return (
    <a href={href(`/datasets/${encodeURIComponent(name)}`, { version: String(version) })} style={{ marginRight: 8 }}>
      {name} v{String(version)}
    </a>
  );
}
