/** The latest monitor result's per-feature drift: test, score against threshold as a bar, verdict. */
import type { ReactNode } from "react";
import type { MonitorResultInfo } from "../../../../src/core/api/platform-routes";
import { formatNumber } from "../../lib/format";
import type { ColumnProfile, DatasetProfile } from "../../lib/ops/profile-types";
import { Badge } from "../status";
import { HistogramPair } from "./histogram-pair";
import { Distribution } from "./profile-table";

/** A bar scaled so the threshold sits at a fixed mark; past it the bar turns red. */
function ScoreBar({ score, threshold }: { score: number | null; threshold: number | null }): ReactNode {
  const w = 160;
  const mark = w * 0.6;
  if (score === null || threshold === null || threshold <= 0) return null;
  const len = Math.min(w, (score / threshold) * mark);
  const over = score >= threshold;
  return (
    <svg
      width={w}
      height={14}
      role="img"
      aria-label={`score ${formatNumber(score)} of threshold ${formatNumber(threshold)}`}
    >
      <rect x={0} y={3} width={w} height={8} fill="#f3f4f6" />
      <rect x={0} y={3} width={Math.max(1, len)} height={8} fill={over ? "#dc2626" : "#60a5fa"} />
      <line x1={mark} x2={mark} y1={0} y2={14} stroke="#111827" strokeWidth={1.5} />
    </svg>
  );
}

function PairCell({
  column,
  h,
}: {
  column: string;
  h: NonNullable<MonitorResultInfo["features"][number]["histogram"]> | undefined;
}): ReactNode {
  return h ? <HistogramPair column={column} h={h} /> : null;
}

function RefCell({ column }: { column: ColumnProfile | undefined }): ReactNode {
  return column ? <Distribution column={column} /> : null;
}

/** Features ordered by how close they are to (or past) their threshold; with the reference profile when known. */
export function DriftTable({
  result,
  reference,
  histograms,
}: {
  result: MonitorResultInfo;
  reference?: DatasetProfile;
  /** The same result's reference-vs-current histograms per column, when loaded. */
  histograms?: Map<string, NonNullable<MonitorResultInfo["features"][number]["histogram"]>>;
}): ReactNode {
  const refColumn = new Map((reference?.columns ?? []).map((c) => [c.name, c]));
  const rel = (f: MonitorResultInfo["features"][number]) =>
    f.score !== null && f.threshold ? f.score / f.threshold : f.drifted ? 99 : -1;
  const rows = [...result.features].sort((a, b) => rel(b) - rel(a));
  return (
    <table className="data" aria-label="Feature drift">
      <thead>
        <tr>
          <th>Feature</th>
          <th>Test</th>
          <th className="right">Score</th>
          <th className="right">Threshold</th>
          <th>Score vs threshold (mark)</th>
          <th>Verdict</th>
          {histograms?.size ? (
            <th>
              Reference <span className="swatch ref" /> vs current <span className="swatch cur" />
            </th>
          ) : reference ? (
            <th>Reference distribution</th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {rows.map((f) => (
          <tr key={f.column}>
            <td className="mono">{f.column}</td>
            <td>{f.test ?? <span className="muted">not tested</span>}</td>
            <td className="right">{formatNumber(f.score)}</td>
            <td className="right">{formatNumber(f.threshold)}</td>
            <td>
              <ScoreBar score={f.score} threshold={f.threshold} />
            </td>
            <td>
              {f.problem ? (
                <span className="muted">{f.problem}</span>
              ) : (
                <Badge tone={f.drifted ? "bad" : "ok"}>{f.drifted ? "drifted" : "stable"}</Badge>
              )}
            </td>
            {histograms?.size ? (
              <td>
                <PairCell column={f.column} h={histograms.get(f.column)} />
              </td>
            ) : reference ? (
              <td>
                <RefCell column={refColumn.get(f.column)} />
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
