/** Monitoring alerts, firing first, then resolved, newest first within each. */
import type { ReactNode } from "react";
import type { AlertInfo } from "../../../../src/core/api/platform-routes";
import { formatNumber, formatTime } from "../../lib/format";
import { Badge } from "../status";

/** Status, rule, value against threshold, message and when it fired and resolved. */
export function AlertsTable({ alerts }: { alerts: AlertInfo[] }): ReactNode {
  const rows = [...alerts].sort(
    (a, b) => Number(b.status === "firing") - Number(a.status === "firing") || b.last_time - a.last_time,
  );
  return (
    <table className="data" aria-label="Alerts">
      <thead>
        <tr>
          <th>Status</th>
          <th>Rule</th>
          <th className="right">Value</th>
          <th className="right">Threshold</th>
          <th>Model</th>
          <th>Message</th>
          <th>Fired</th>
          <th>Resolved</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={a.id}>
            <td>
              <Badge tone={a.status === "firing" ? "bad" : "ok"}>{a.status}</Badge>
            </td>
            <td className="mono">{a.rule}</td>
            <td className="right">{formatNumber(a.value)}</td>
            <td className="right">{formatNumber(a.threshold)}</td>
            <td>{a.model ? `${a.model}/${a.version ?? "?"}` : ""}</td>
            <td>
              {a.message}
              {a.pipeline ? <span className="muted"> · triggers pipeline {a.pipeline}</span> : null}
            </td>
            <td>{formatTime(a.first_time)}</td>
            <td>{a.resolved_time ? formatTime(a.resolved_time) : ""}</td>
          </tr>
        ))}
        {rows.length === 0 ? (
          <tr>
            <td colSpan={8} className="muted">
              No alerts.
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}
