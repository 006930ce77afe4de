/** Live traffic per variant of a deployment, polled from the serving process every 2 s. */
import type { ReactNode } from "react";
import { useEffect, useState } from "react";
import type { DeploymentTrafficInfo } from "../../../../src/core/api/insight-routes";
import { httpStatusOf, platform } from "../../lib/api";
import { formatNumber, formatPercent } from "../../lib/format";
import { useAsync } from "../../lib/use-async";
import { Badge, ErrorBox } from "../status";

const ms = (v: number | null) => (v === null ? "–" : `${v < 10 ? v.toFixed(2) : Math.round(v)} ms`);

/** The traffic, or why this server has none (a 404: no such route here, or no such deployment). */
type Loaded = { traffic: DeploymentTrafficInfo; missing?: undefined } | { traffic?: undefined; missing: string };

/**
 * Weight, requests per second, error rate, p50 and p99 of each variant over the last minute.
 * A change of `refresh` reloads at once (after promote, abort or rollback) instead of at the next poll.
 */
export function TrafficTable({ name, refresh = 0 }: { name: string; refresh?: number }): ReactNode {
  // Without the route there is nothing to poll for: stop instead of asking every 2 s.
  const [missing, setMissing] = useState(false);
  const t = useAsync<Loaded>(
    async () => {
      try {
        return { traffic: await platform.getDeploymentTraffic({ name, window: "60s" }) };
      } catch (e) {
        if (httpStatusOf(e) !== 404) throw e;
        return { missing: e instanceof Error ? e.message : String(e) };
      }
    },
    [name, refresh],
    missing ? undefined : 2000,
  );
  const notFound = t.data?.missing !== undefined;
  useEffect(() => setMissing(notFound), [notFound]);
  if (t.error && !t.data) return <ErrorBox error={t.error} />;
  if (t.data?.missing !== undefined) {
    return <p className="muted">Live traffic is not available from this server yet ({t.data.missing}).</p>;
  }
  const d = t.data?.traffic;
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
