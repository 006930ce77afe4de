/** The head of the logged model page: status, id, experiment, source run, type, files and times. */
import type { ReactNode } from "react";
import type { LoggedModel } from "../../../../src/core/api/logged-model-entities";
import { mlflow } from "../../lib/api";
import { formatTime } from "../../lib/format";
import { href } from "../../lib/router";
import { runName } from "../../lib/runs/run-fields";
import { useAsync } from "../../lib/use-async";
import { LoggedModelStatus } from "./logged-model-status";

/** A `dl.props` of the model's facts (the experiment and run are looked up for their names). */
export function LoggedModelFacts({ model }: { model: LoggedModel }): ReactNode {
  const { info } = model;
  const exp = useAsync(() => mlflow.getExperiment({ experiment_id: info.experiment_id }), [info.experiment_id]);
  const runId = info.source_run_id;
  // Only for its name; a run deleted since shows as its id.
  const run = useAsync(
    () => (runId ? mlflow.getRun({ run_id: runId }).then((r) => r.run) : Promise.resolve(undefined)),
    [runId],
  );
  return (
    <dl className="props">
      <dt>Status</dt>
      <dd>
        <LoggedModelStatus status={info.status} />
        {info.status_message ? <span className="muted"> {info.status_message}</span> : null}
      </dd>
      <dt>Model ID</dt>
      <dd className="mono">{info.model_id}</dd>
      <dt>Experiment</dt>
      <dd>
        <a href={href(`/experiments/${info.experiment_id}`)}>{exp.data?.experiment.name ?? info.experiment_id}</a>
      </dd>
      <dt>Source run</dt>
      <dd>
        {runId ? (
          <a href={href(`/runs/${encodeURIComponent(runId)}`)}>{run.data ? runName(run.data) : runId}</a>
        ) : (
          <span className="muted">none</span>
        )}
      </dd>
      {info.model_type ? (
        <>
          <dt>Type</dt>
          <dd>{info.model_type}</dd>
        </>
      ) : null}
      <dt>Artifact location</dt>
      <dd className="mono">{info.artifact_uri}</dd>
      <dt>Created</dt>
      <dd>{formatTime(info.creation_timestamp_ms)}</dd>
      <dt>Updated</dt>
      <dd>{formatTime(info.last_updated_timestamp_ms)}</dd>
    </dl>
  );
}
