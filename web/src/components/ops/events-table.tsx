/** A deployment's event trail (deployment changes and rollout events), newest first. */
import type { ReactNode } from "react";
import type { DeploymentEventInfo } from "../../../../src/core/api/platform-routes";
import { formatTime } from "../../lib/format";
import { eventTone } from "../../lib/ops/rollout-view";
import { Badge } from "../status";

/** Time, type, actor and message of each event; the message carries the evidence in words. */
export function EventsTable({ events }: { events: DeploymentEventInfo[] }): ReactNode {
  return (
    <table className="data" aria-label="Events">
      <thead>
        <tr>
          <th style={{ width: 170 }}>Time</th>
          <th style={{ width: 170 }}>Type</th>
          <th style={{ width: 110 }}>By</th>
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id}>
            <td>{formatTime(e.time)}</td>
            <td>
              <Badge tone={eventTone(e.type)}>{e.type}</Badge>
            </td>
            <td title="who caused it; - for the platform's own work">
              {typeof e.data?.actor === "string" ? e.data.actor : "-"}
            </td>
            <td>{e.message}</td>
          </tr>
        ))}
        {events.length === 0 ? (
          <tr>
            <td colSpan={4} className="muted">
              No events.
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}
