/** A dataset version's profile: one row per column with its statistics and distribution. */
import type { ReactNode } from "react";
import { formatNumber, formatPercent } from "../../lib/format";
import type { ColumnProfile, DatasetProfile } from "../../lib/ops/profile-types";
import { MiniHistogram } from "./mini-bars";

/** Per column: type, nulls, distinct, min/max/mean (numeric) or the top values (categorical). */
export function ProfileTable({ profile }: { profile: DatasetProfile }): ReactNode {
  return (
    <table className="data" aria-label="Profile">
      <thead>
        <tr>
          <th>Column</th>
          <th>Type</th>
          <th className="right">Nulls</th>
          <th className="right">Distinct</th>
          <th className="right">Min</th>
          <th className="right">Max</th>
          <th className="right">Mean</th>
          <th>Distribution / top values</th>
        </tr>
      </thead>
      <tbody>
        {profile.columns.map((c) => (
          <tr key={c.name}>
            <td className="mono">{c.name}</td>
            <td>{c.type}</td>
            <td className="right">
              {c.nulls} {c.nulls > 0 ? <span className="muted">({formatPercent(c.null_fraction)})</span> : null}
            </td>
            <td className="right">
              {c.distinct_approximate ? "≈" : ""}
              {c.distinct}
            </td>
            <td className="right">{formatNumber(c.numeric?.min)}</td>
            <td className="right">{formatNumber(c.numeric?.max)}</td>
            <td className="right">{formatNumber(c.numeric?.mean)}</td>
            <td>
              <Distribution column={c} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A column's histogram (numeric) or its most frequent values (categorical). */
export function Distribution({ column }: { column: ColumnProfile }): ReactNode {
  const hist = column.numeric?.histogram;
  if (hist && hist.counts.length > 0) {
    const lo = formatNumber(hist.edges[0]);
    const hi = formatNumber(hist.edges[hist.edges.length - 1]);
    return <MiniHistogram counts={hist.counts} label={`Histogram of ${column.name} from ${lo} to ${hi}`} />;
  }
  const top = column.categorical?.top ?? [];
  if (top.length === 0) return null;
  // Identifier-like columns (every value distinct) say so instead of listing arbitrary values.
  if (column.distinct >= column.count && column.count > 20) return <span className="muted">all values distinct</span>;
  const shown = top.slice(0, 4);
  const rest = top.length - shown.length + (column.categorical?.other_count ? 1 : 0);
  return (
    <span>
      {shown.map((t) => `${t.value} ${formatPercent(t.frequency, 0)}`).join(" · ")}
      {rest > 0 ? <span className="muted"> · …</span> : null}
    </span>
  );
}
