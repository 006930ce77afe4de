/** A pipeline run's DAG as SVG: columns by depth from `needs`, nodes coloured by state, cache hits marked. */
import type { KeyboardEvent, ReactNode } from "react";
import { useMemo } from "react";
import type { PipelineStepInfo } from "../../../../src/core/api/insight-routes";
import { formatDuration } from "../../lib/format";
import { layoutDag } from "../../lib/ops/dag-layout";

const FILL: Record<PipelineStepInfo["status"], [string, string]> = {
  pending: ["#f3f4f6", "#9ca3af"],
  running: ["#dbeafe", "#2563eb"],
  succeeded: ["#dcfce7", "#15803d"],
  cached: ["#e0f2fe", "#0369a1"],
  failed: ["#fee2e2", "#b91c1c"],
  skipped: ["#f9fafb", "#d1d5db"],
};
const W = 170;
const H = 52;
const GAP_X = 60;
const GAP_Y = 18;

/** Clicking (or Enter/Space on) a node selects that step. */
export function PipelineDag({
  steps,
  selected,
  onSelect,
}: {
  steps: PipelineStepInfo[];
  selected?: string;
  onSelect: (step: string) => void;
}): ReactNode {
  const layout = useMemo(() => layoutDag(steps), [steps]);
  const byId = new Map(steps.map((s) => [s.step, s]));
  const pos = new Map(layout.nodes.map((n) => [n.id, { x: 8 + n.depth * (W + GAP_X), y: 8 + n.row * (H + GAP_Y) }]));
  const width = 16 + layout.columns * W + Math.max(0, layout.columns - 1) * GAP_X;
  const height = 16 + layout.rows * H + Math.max(0, layout.rows - 1) * GAP_Y;
  const key = (id: string) => (e: KeyboardEvent) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      onSelect(id);
    }
  };
  return (
    <div style={{ overflowX: "auto" }}>
      <svg
        data-testid="pipeline-dag"
        width={width}
        height={height}
        aria-label="Pipeline steps graph"
        style={{ display: "block" }}
      >
        <defs>
          <marker id="dag-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L10,5 L0,10 z" fill="#9ca3af" />
          </marker>
        </defs>
        {layout.edges.map((e) => {
          const a = pos.get(e.from);
          const b = pos.get(e.to);
          if (!a || !b) return null;
          const x1 = a.x + W;
          const y1 = a.y + H / 2;
          const x2 = b.x;
          const y2 = b.y + H / 2;
          const mid = (x1 + x2) / 2;
          return (
            <path
              key={`${e.from}->${e.to}`}
              d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
              fill="none"
              stroke="#9ca3af"
              strokeWidth={1.5}
              markerEnd="url(#dag-arrow)"
            />
          );
        })}
        {layout.nodes.map((n) => {
          const s = byId.get(n.id);
          const p = pos.get(n.id);
          if (!s || !p) return null;
          const [fill, stroke] = FILL[s.status] ?? FILL.pending;
          const isSel = n.id === selected;
          const hit = s.cache === "hit" || s.status === "cached";
          return (
            // biome-ignore lint/a11y/useSemanticElements: an SVG node cannot be a <button>; it acts as one.
            <g
              key={n.id}
              transform={`translate(${p.x} ${p.y})`}
              role="button"
              tabIndex={0}
              aria-label={`${n.id}: ${s.status}${hit ? ", cache hit" : ""}`}
              aria-pressed={isSel}
              data-step={n.id}
              data-state={s.status}
              onClick={() => onSelect(n.id)}
              onKeyDown={key(n.id)}
              style={{ cursor: "pointer" }}
            >
              <rect
                width={W}
                height={H}
                rx={6}
                fill={fill}
                stroke={isSel ? "#0f172a" : stroke}
                strokeWidth={isSel ? 3 : 1.5}
                strokeDasharray={s.status === "skipped" ? "4 3" : undefined}
              />
              <text x={10} y={20} fontSize={13} fontWeight={600} fill="#111827">
                {n.id.length > 20 ? `${n.id.slice(0, 19)}…` : n.id}
              </text>
              <text x={10} y={38} fontSize={11} fill="#374151">
                {s.type} · {s.status}
                {s.duration_ms !== undefined ? ` · ${formatDuration(s.duration_ms)}` : ""}
              </text>
              {hit ? (
                <g transform={`translate(${W - 40} 4)`}>
                  <rect width={36} height={15} rx={7} fill="#0369a1" />
                  <text x={18} y={11} fontSize={9} fill="#fff" textAnchor="middle">
                    cache
                  </text>
                </g>
              ) : null}
            </g>
          );
        })}
      </svg>
      <p className="muted" style={{ fontSize: 12 }}>
        Columns follow <code>needs</code>; green succeeded, blue running, light blue reused from the cache, red failed,
        dashed skipped. Select a step to see its log.
      </p>
    </div>
  );
}
