/** A small SVG parallel-coordinates plot: one axis per differing param plus a metric, one line per run. */
import type { ReactNode } from "react";
import { useMemo } from "react";
import { formatNumber } from "../../lib/format";
import type { Axis } from "../../lib/runs/parallel-axes";
import { buildAxes, metricColor } from "../../lib/runs/parallel-axes";

export interface ParallelRun {
  id: string;
  label: string;
  params: Record<string, string>;
  metric: number | undefined;
}

const W = 960;
const H = 320;
const TOP = 46;
const BOTTOM = 28;
const SIDE = 70;

/** `data-testid="parallel-coordinates"`; lines coloured from blue (low metric) to red (high). */
export function ParallelCoordinates({ runs, metricKey }: { runs: ParallelRun[]; metricKey: string }): ReactNode {
  const axes = useMemo(() => buildAxes(runs, metricKey), [runs, metricKey]);
  const metricAxis = axes[axes.length - 1];
  const xOf = (i: number) => (axes.length < 2 ? W / 2 : SIDE + (i * (W - 2 * SIDE)) / (axes.length - 1));
  const yOf = (t: number) => TOP + (1 - t) * (H - TOP - BOTTOM);
  return (
    <figure style={{ margin: "8px 0" }}>
      <svg
        data-testid="parallel-coordinates"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Parallel coordinates of ${axes.length - 1} differing parameters and ${metricKey}`}
        style={{ width: "100%", maxWidth: W, height: "auto", fontSize: 11 }}
      >
        {runs.map((r) => {
          let d = "";
          let pen = false;
          axes.forEach((a, i) => {
            const t = a.position(r);
            if (t === undefined) {
              pen = false;
              return;
            }
            d += `${pen ? "L" : "M"}${xOf(i).toFixed(1)},${yOf(t).toFixed(1)}`;
            pen = true;
          });
          const t = metricAxis?.position(r);
          return (
            <path key={r.id} d={d} fill="none" stroke={metricColor(t)} strokeWidth={1.6} opacity={0.85}>
              <title>
                {r.label}: {metricKey} = {formatNumber(r.metric)}
              </title>
            </path>
          );
        })}
        {axes.map((a, i) => (
          <AxisView key={a.name} axis={a} x={xOf(i)} yOf={yOf} />
        ))}
      </svg>
      <figcaption className="muted">
        Axes: parameters whose values differ (text values as ordered categories) and {metricKey}. Colour: low{" "}
        <span style={{ color: metricColor(0) }}>■</span> → high <span style={{ color: metricColor(1) }}>■</span>.
      </figcaption>
    </figure>
  );
}

function AxisView({ axis, x, yOf }: { axis: Axis; x: number; yOf: (t: number) => number }): ReactNode {
  const name = axis.name.length > 22 ? `${axis.name.slice(0, 21)}…` : axis.name;
  return (
    <g>
      <line x1={x} x2={x} y1={yOf(1)} y2={yOf(0)} stroke="#6b7280" />
      <text x={x} y={16} textAnchor="middle" fontWeight={600} fill="#111827">
        <title>{axis.name}</title>
        {name}
      </text>
      {axis.ticks.map((tk) => (
        <g key={`${tk.t}:${tk.label}`}>
          <line x1={x - 3} x2={x + 3} y1={yOf(tk.t)} y2={yOf(tk.t)} stroke="#6b7280" />
          <text x={x + 6} y={yOf(tk.t) + 4} fill="#374151">
            {tk.label.length > 14 ? `${tk.label.slice(0, 13)}…` : tk.label}
          </text>
        </g>
      ))}
    </g>
  );
}
