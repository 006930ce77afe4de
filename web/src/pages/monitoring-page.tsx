/** Monitoring: deployments with monitors, and one deployment's drift, performance and alerts. */
import type { ReactNode } from "react";
import { useRef } from "react";
import type { MonitorResultInfo, MonitorStatusInfo } from "../../../src/core/api/platform-routes";
import { DataTable } from "../components/data-table";
import { MonitorDetail } from "../components/ops/monitor-detail";
import { Badge, Empty, ErrorBox, Loading } from "../components/status";
import { platform } from "../lib/api";
import { formatPercent, formatTime } from "../lib/format";
import { isNotFound } from "../lib/ops/refs";
import { href } from "../lib/router";
import { useAsync } from "../lib/use-async";

/** `#/monitoring` (the list) or `#/monitoring/:name` (one deployment). */
export function MonitoringPage({ name }: { name: string }): ReactNode {
  return name ? <MonitorOf name={name} /> : <MonitorList />;
}

type Row = { name: string; status: MonitorStatusInfo; firing: number };

function MonitorList(): ReactNode {
  const { data, error, loading } = useAsync(
    async () => {
      const { monitors } = await platform.listMonitors({});
      return Promise.all(
        monitors.map(async (m): Promise<Row> => {
          const status = await platform.getMonitor({ name: m.deployment, limit: 1 });
          return { name: m.deployment, status, firing: status.alerts.filter((a) => a.status === "firing").length };
        }),
      );
    },
    [],
    10000,
  );
  return (
    <>
      <h1>Monitoring</h1>
      <ErrorBox error={error} />
      <Loading when={loading && !data} />
      {data ? (
        <DataTable<Row>
          label="Monitored deployments"
          rows={data}
          rowKey={(r) => r.name}
          empty="No deployment has a monitor yet: `modelworks monitor set DEPLOYMENT`."
          columns={[
            {
              key: "name",
              header: "Deployment",
              cell: (r) => <a href={href(`/monitoring/${encodeURIComponent(r.name)}`)}>{r.name}</a>,
              sort: (r) => r.name,
            },
            {
              key: "drift",
              header: "Latest drift",
              cell: (r) =>
                r.status.latest.map((l) => (
                  <span key={`${l.model}/${l.version}`} style={{ marginRight: 8 }}>
                    {l.model ? `${l.model}/${l.version}` : "(no model)"}:{" "}
                    {l.dataset_drift === null ? (
                      <span className="muted">n/a</span>
                    ) : (
                      <Badge tone={l.dataset_drift ? "bad" : "ok"}>
                        {formatPercent(l.share_drifted ?? 0, 0)} drifted
                      </Badge>
                    )}
                  </span>
                )),
            },
            {
              key: "alerts",
              header: "Firing alerts",
              cell: (r) => <Badge tone={r.firing ? "bad" : "ok"}>{r.firing}</Badge>,
              sort: (r) => r.firing,
              align: "right",
            },
            {
              key: "last",
              header: "Last run",
              cell: (r) => formatTime(r.status.monitor.last_run_time),
              sort: (r) => r.status.monitor.last_run_time,
            },
          ]}
        />
      ) : null}
    </>
  );
}

const KEEP = 1000;

function MonitorOf({ name }: { name: string }): ReactNode {
  // Results already loaded, newest first: polls ask only for newer ones (a full reload is about 1 MB).
  const loaded = useRef<MonitorResultInfo[]>([]);
  const state = useAsync(
    async () => {
      const newest = loaded.current[0]?.time;
      const [status, fresh, alerts] = await Promise.all([
        platform.getMonitor({ name, limit: 1 }),
        platform.listMonitorResults({ name, limit: KEEP, ...(newest !== undefined ? { since_time: newest } : {}) }),
        platform.listAlerts({ deployment: name, status: "all", limit: 200 }),
      ]);
      const seen = new Set(fresh.results.map((r) => r.id));
      const results = [...fresh.results, ...loaded.current.filter((r) => !seen.has(r.id))]
        .sort((a, b) => b.time - a.time)
        .slice(0, KEEP);
      loaded.current = results;
      return { status, results, alerts: alerts.alerts };
    },
    [name],
    10000,
  );
  return (
    <>
      <p className="muted" style={{ margin: "0 0 4px" }}>
        <a href={href("/monitoring")}>Monitoring</a> ·{" "}
        <a href={href(`/deployments/${encodeURIComponent(name)}`)}>deployment</a>
      </p>
      <h1>Monitoring: {name}</h1>
      {isNotFound(state.error) ? <Empty>{state.error}</Empty> : <ErrorBox error={state.error} />}
      <Loading when={state.loading && !state.data} />
      {state.data ? <MonitorDetail {...state.data} /> : null}
    </>
  );
}
