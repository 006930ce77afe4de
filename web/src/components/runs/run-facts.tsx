/** The head of the run page: status, times, experiment, parent and the child runs. */
import type { ReactNode } from "react";
import type { Run } from "../../../../src/core/api/mlflow-entities";
import { mlflow } from "../../lib/api";
import { formatDuration, formatTime } from "../../lib/format";
import { href } from "../../lib/router";
import { PARENT_TAG, parentId, quoteFilterValue, runName } from "../../lib/runs/run-fields";
import { useAsync } from "../../lib/use-async";
import { Badge } from "../status";

/** Children listed at most; the runs page pages through the rest. */
const MAX_CHILDREN = 100;
const TONE = { FINISHED: "ok", FAILED: "bad", KILLED: "warn", RUNNING: "info", SCHEDULED: "info" } as const;

/** A `dl.props` of the run's facts plus its children (one search by the parent tag). */
export function RunFacts({ run }: { run: Run }): ReactNode {
  const { info } = run;
  const parent = parentId(run);
  const exp = useAsync(() => mlflow.getExperiment({ experiment_id: info.experiment_id }), [info.experiment_id]);
  const childFilter = `tags.${PARENT_TAG} = ${quoteFilterValue(info.run_id)}`;
  const children = useAsync(
    () =>
      mlflow.searchRuns({
        experiment_ids: [info.experiment_id],
        filter: childFilter,
        max_results: MAX_CHILDREN,
        order_by: ["attributes.start_time ASC"],
      }),
    [info.run_id, info.experiment_id],
  );
  // Only for its name; a parent deleted since shows as its id.
  const parentRun = useAsync(
    () => (parent ? mlflow.getRun({ run_id: parent }).then((r) => r.run) : Promise.resolve(undefined)),
    [parent],
  );
  const kids = children.data?.runs ?? [];
  return (
    <dl className="props">
      <dt>Status</dt>
      <dd>
        <Badge tone={TONE[info.status]}>{info.status}</Badge>
      </dd>
      <dt>Run ID</dt>
      <dd className="mono">{info.run_id}</dd>
      <dt>Experiment</dt>
      <dd>
        <a href={href(`/experiments/${info.experiment_id}`)}>{exp.data?.experiment.name ?? info.experiment_id}</a>
      </dd>
      <dt>Started</dt>
      <dd>{formatTime(info.start_time)}</dd>
      <dt>Ended</dt>
      <dd>{info.end_time ? formatTime(info.end_time) : <span className="muted">not ended</span>}</dd>
      <dt>Duration</dt>
      <dd>{info.start_time && info.end_time ? formatDuration(info.end_time - info.start_time) : ""}</dd>
      {info.user_id ? (
        <>
          <dt>User</dt>
          <dd>{info.user_id}</dd>
        </>
      ) : null}
      {parent ? (
        <>
          <dt>Parent run</dt>
          <dd>
            <a href={href(`/runs/${parent}`)}>{parentRun.data ? runName(parentRun.data) : parent}</a>
          </dd>
        </>
      ) : null}
      {kids.length ? (
        <>
          <dt>Child runs</dt>
          <dd>
            <ul aria-label="Child runs" style={{ margin: 0, paddingLeft: 18 }}>
              {kids.map((k) => (
                <li key={k.info.run_id}>
                  <a href={href(`/runs/${k.info.run_id}`)}>{runName(k)}</a>{" "}
                  <span className="muted">{k.info.status.toLowerCase()}</span>
                </li>
              ))}
            </ul>
            {children.data?.next_page_token ? (
              <a href={href(`/experiments/${info.experiment_id}`, { filter: childFilter })}>All child runs</a>
            ) : null}
          </dd>
        </>
      ) : null}
    </dl>
  );
}
