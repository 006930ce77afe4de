/** Deployments: each with its primary, candidate, traffic weight, state and latest rollout. */
import type { ReactNode } from "react";
import type { DeploymentInfo, RolloutInfo } from "../../../src/core/api/platform-routes";
import { DataTable } from "../components/data-table";
import { Badge, ErrorBox, Loading } from "../components/status";
import { platform } from "../lib/api";
import { formatNumber, formatTime } from "../lib/format";
import { phaseTone } from "../lib/ops/rollout-view";
import { href } from "../lib/router";
import { useAsync } from "../lib/use-async";

/** A deployment with its latest rollout (its `rollout` field holds the settings alias changes roll out with). */
type Row = DeploymentInfo & { latest?: RolloutInfo };

/** The deployment list (`#/deployments`), refreshed every 5 s so weights move during a rollout. */
export function DeploymentsPage(): ReactNode {
  const { data, error, loading } = useAsync(
    async () => {
      const { deployments } = await platform.listDeployments({});
      // One small request per deployment: lists are short, and the phase is what people look for.
      return Promise.all(
        deployments.map(async (d): Promise<Row> => {
          const { rollouts } = await platform.listRollouts({ name: d.name, limit: 1 });
          return { ...d, latest: rollouts[0] };
        }),
      );
    },
    [],
    5000,
  );
  return (
    <>
      <h1>Deployments</h1>
      <ErrorBox error={error} />
      <Loading when={loading && !data} />
      {data ? (
        <DataTable<Row>
          label="Deployments"
          rows={data}
          rowKey={(d) => d.name}
          empty="No deployments yet: `modelworks deployments create NAME --model MODEL@ALIAS`."
          columns={[
            {
              key: "name",
              header: "Name",
              cell: (d) => <a href={href(`/deployments/${encodeURIComponent(d.name)}`)}>{d.name}</a>,
              sort: (d) => d.name,
            },
            { key: "primary", header: "Primary", cell: (d) => <code>{d.primary}</code> },
            { key: "candidate", header: "Candidate", cell: (d) => (d.candidate ? <code>{d.candidate}</code> : "–") },
            {
              key: "weight",
              header: "Candidate weight",
              cell: (d) => (d.shadow ? "shadow" : d.candidate ? `${formatNumber(d.candidate_weight)}%` : "–"),
              sort: (d) => d.candidate_weight,
              align: "right",
            },
            {
              key: "state",
              header: "State",
              cell: (d) => <Badge tone={d.status === "active" ? "ok" : undefined}>{d.status}</Badge>,
              sort: (d) => d.status,
            },
            {
              key: "rollout",
              header: "Latest rollout",
              cell: (d) =>
                d.latest ? (
                  <>
                    <Badge tone={phaseTone(d.latest.phase)}>{d.latest.phase}</Badge> {d.latest.candidate}
                  </>
                ) : (
                  <span className="muted">none</span>
                ),
            },
            { key: "updated", header: "Updated", cell: (d) => formatTime(d.updated_time), sort: (d) => d.updated_time },
          ]}
        />
      ) : null}
    </>
  );
}
