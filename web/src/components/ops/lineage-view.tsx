/** Lineage of one model version: version → (MLflow 3 logged model) → training run → dataset versions and git commit. */
import type { ReactNode } from "react";
import type { ModelVersion } from "../../../../src/core/api/mlflow-entities";
import { mlflow } from "../../lib/api";
import { formatTime } from "../../lib/format";
import { href } from "../../lib/router";
import { useAsync } from "../../lib/use-async";
import { Empty, ErrorBox, Loading } from "../status";

const GIT_COMMIT = "mlflow.source.git.commit";

/** Loads the version's run only (lineage is fetched for the selected version, not all of them). */
export function LineageView({ version }: { version: ModelVersion }): ReactNode {
  const runId = version.run_id;
  const run = useAsync(async () => (runId ? (await mlflow.getRun({ run_id: runId })).run : undefined), [runId]);
  if (!runId)
    return (
      <Empty>
        Version {version.version} was registered without a run (source {version.source}
        {version.model_id ? (
          <>
            , <LoggedModelLink id={version.model_id} />
          </>
        ) : null}
        ).
      </Empty>
    );
  // Keep showing nothing rather than the previous version's run while the new one loads.
  const r = run.data?.info.run_id === runId ? run.data : undefined;
  const tags = new Map((r?.data.tags ?? []).map((t) => [t.key, t.value]));
  const commit = tags.get(GIT_COMMIT);
  const pipelineRun = tags.get("modelworks.pipeline_run_id");
  const inputs = r?.inputs.dataset_inputs ?? [];
  return (
    <section aria-label="Lineage details">
      <ErrorBox error={run.error} />
      <Loading when={!r && !run.error} />
      <ol className="lineage" style={{ listStyle: "none", paddingLeft: 0, margin: 0 }}>
        <li>
          <strong>
            {version.name} v{version.version}
          </strong>{" "}
          <span className="muted">registered {formatTime(version.creation_timestamp)}</span>
        </li>
        {version.model_id ? (
          <li style={{ paddingLeft: 20 }}>
            ↳ <LoggedModelLink id={version.model_id} />
          </li>
        ) : null}
        <li style={{ paddingLeft: 20 }}>
          ↳ run{" "}
          <a href={href(`/runs/${encodeURIComponent(runId)}`)}>
            {r?.info.run_name ? `${r.info.run_name} (${runId.slice(0, 8)})` : runId}
          </a>
          {r ? (
            <span className="muted">
              {" "}
              · {r.info.status} · started {formatTime(r.info.start_time)}
            </span>
          ) : null}
        </li>
        {r ? (
          <li style={{ paddingLeft: 40 }}>
            ↳ git commit{" "}
            {commit ? <code title={commit}>{commit.slice(0, 12)}</code> : <span className="muted">not recorded</span>}
            {tags.get("mlflow.source.name") ? (
              <span className="muted"> · source {tags.get("mlflow.source.name")}</span>
            ) : null}
          </li>
        ) : null}
        {r && pipelineRun ? (
          <li style={{ paddingLeft: 40 }}>
            ↳ produced by pipeline run{" "}
            <a href={href(`/pipelines/runs/${encodeURIComponent(pipelineRun)}`)}>{pipelineRun.slice(0, 12)}</a>
          </li>
        ) : null}
        {inputs.map((i) => {
          const d = i.dataset;
          const context = i.tags?.find((t) => t.key === "mlflow.data.context")?.value;
          return (
            <li key={`${d.name}:${d.digest}:${context ?? ""}`} style={{ paddingLeft: 40 }}>
              ↳ {context ?? "input"} dataset{" "}
              <a href={href(`/datasets/${encodeURIComponent(d.name)}`, { digest: d.digest })}>{d.name}</a>{" "}
              <code title={d.digest}>{d.digest.slice(0, 12)}</code>
              {d.source ? <span className="muted"> · {d.source}</span> : null}
            </li>
          );
        })}
        {r && inputs.length === 0 ? (
          <li style={{ paddingLeft: 40 }} className="muted">
            ↳ no dataset inputs logged
          </li>
        ) : null}
      </ol>
    </section>
  );
}

/** "logged model m-…" linking to the logged model's page. */
function LoggedModelLink({ id }: { id: string }): ReactNode {
  return (
    <>
      logged model{" "}
      <a className="mono" href={href(`/logged-models/${encodeURIComponent(id)}`)}>
        {id}
      </a>
    </>
  );
}
