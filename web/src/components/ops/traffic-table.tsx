/** Live traffic per variant of a deployment, polled from the serving process every 2 s. */
import type { ReactNode } from "react";
import { useEffect, useState } from "react";
import { getJson } from "../../lib/api";
import { formatNumber, formatPercent } from "../../lib/format";
import { useAsync } from "../../lib/use-async";
import type { DeploymentTrafficWire } from "../../lib/wire";
import { Badge, ErrorBox } from "../status";

const ms = (v: number | null) => (v === null ? "–" : `${v < 10 ? v.toFixed(2) : Math.round(v)} ms`);

/** Weight, requests per second, error rate, p50 and p99 of each variant over the last minute. */
export function TrafficTable({ name }: { name: string }): ReactNode {
  // A server without the route answers 404: stop asking instead of logging an error every 2 s.
  const [missing, setMissing] = useState(false);
  const t = useAsync(
    () =>
      getJson<DeploymentTrafficWire>(`/api/modelworks/v1/deployments/${encodeURIComponent(name)}/traffic`, {
        window: "60s",
      }),
    [name],
    missing ? undefined : 2000,
  );
  const notFound = t.error !== undefined && /^404\b/.test(t.error);
  useEffect(() => setMissing(notFound), [notFound]);
  if (t.error && !t.data) {
    return notFound ? (
      <p className="muted">Live traffic is not available from this server yet ({t.error}).</p>
    ) : (
      <ErrorBox error={t.error} />
    );
  }
  const d = t.data;
  if (!d) return <p className="muted">Loading live traffic…</p>;
  if (!d.available) {
    return <p className="muted">No live numbers here: live numbers come from the serving process (modelworks up).</p>;
  }
  return (
    <>
      <table className="data" aria-label="Traffic">
        <thead>
          <tr>
            <th>Variant</th>
            <th>Model</th>
            <th className="right">Weight</th>
            <th className="right">Requests</th>
            <th className="right">Req/s</th>
            <th className="right">Error rate</th>
            <th className="right">p50</th>
            <th className="right">p99</th>
          </tr>
        </thead>
        <tbody>
          {d.variants.map((v) => (
            <tr key={v.variant}>
              <td>
                <Badge tone={v.variant === "primary" ? "ok" : "info"}>{v.variant}</Badge>
              </td>
              <td>
                {v.model}/{v.version}
              </td>
              <td className="right">{formatNumber(v.weight)}%</td>
              <td className="right">{v.requests}</td>
              <td className="right">{v.requests_per_second.toFixed(2)}</td>
              <td className="right" style={v.error_rate > 0.01 ? { color: "var(--bad)" } : undefined}>
                {formatPercent(v.error_rate, 2)}
              </td>
              <td className="right">{ms(v.p50_ms)}</td>
              <td className="right">{ms(v.p99_ms)}</td>
            </tr>
          ))}
          {d.variants.length === 0 ? (
            <tr>
              <td colSpan={8} className="muted">
                No variants are serving.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <p className="muted">Over the last {d.window_seconds} s; refreshed every 2 s.</p>
    </>
  );
}
