/** What each serving process reports it answers with for a deployment, against the stored generation. */
import type { ReactNode } from "react";
import type { ServingInstanceInfo } from "../../../../src/core/api/platform-routes";
import { formatTime } from "../../lib/format";
import { Badge } from "../status";

const TONES = { current: "ok", behind: "warn", failing: "bad", stale: undefined } as const;

function serves(s: ServingInstanceInfo): string {
  if (s.served.length === 0) return "nothing";
  return s.served
    .map((v) => {
      const share = v.variant === "candidate" ? (s.shadow ? " (shadow)" : ` at ${s.candidate_weight}%`) : "";
      return `${v.variant} ${v.model} v${v.version}${share}`;
    })
    .join(", ");
}

/** One row per process (`up` or `serve`), with its state: current, behind, failing or stale. */
export function ServingTable({ serving }: { serving: ServingInstanceInfo[] }): ReactNode {
  return (
    <table className="data" aria-label="Serving processes">
      <thead>
        <tr>
          <th>Process</th>
          <th>Serves</th>
          <th style={{ width: 60 }}>Gen</th>
          <th style={{ width: 90 }}>State</th>
          <th style={{ width: 170 }}>Seen</th>
        </tr>
      </thead>
      <tbody>
        {serving.map((s) => (
          <tr key={s.instance}>
            <td title={s.url ?? ""}>
              {s.kind} {s.host}:{s.pid}
            </td>
            <td>
              {serves(s)}
              {s.last_error ? <div className="muted">{s.last_error}</div> : null}
            </td>
            <td>{s.generation}</td>
            <td>
              <Badge tone={TONES[s.state]}>{s.state}</Badge>
            </td>
            <td>{formatTime(s.seen_time)}</td>
          </tr>
        ))}
        {serving.length === 0 ? (
          <tr>
            <td colSpan={5} className="muted">
              No serving process has reported this deployment.
            </td>
          </tr>
        ) : null}
      </tbody>
    </table>
  );
}
