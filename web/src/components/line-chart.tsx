/** A uPlot line chart: canvas rendering, so tens of thousands of points stay fast. */
import type { ReactNode } from "react";
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Series {
  label: string;
  /** y values aligned with the chart's x values; null for a gap. */
  values: (number | null)[];
  /** Draw across nulls (series sampled at different x values share one x axis). */
  spanGaps?: boolean;
  /** Palette slot; series sharing one share a colour (a run and its extremes). Default: its position. */
  color?: number;
  /**
   * A bucket minimum or maximum of the line with the same `color`: drawn thin and light, the area
   * between the two shaded when few groups share the chart.
   */
  extent?: "min" | "max";
}

export interface LineChartProps {
  /** x values, ascending (steps, or seconds since epoch when `time`). */
  x: number[];
  series: Series[];
  time?: boolean;
  height?: number;
  title?: string;
  /** Called after each draw. */
  onDrawn?: () => void;
}

/** Ten distinct colours: the comparison page shows up to ten runs before any repeats. */
const COLORS = [
  "#2563eb",
  "#dc2626",
  "#16a34a",
  "#9333ea",
  "#ea580c",
  "#0891b2",
  "#4b5563",
  "#db2777",
  "#a16207",
  "#0f172a",
];
/** Above this many groups, shaded bands overlap into mud: extremes are thin lines only. */
const MAX_SHADED = 3;

function rgba(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Band edges (1-based uPlot series indices) per colour that has both a min and a max series. */
function bandsOf(series: Series[]): uPlot.Band[] {
  const edges = new Map<number, { min?: number; max?: number }>();
  series.forEach((s, i) => {
    if (!s.extent) return;
    const c = s.color ?? i;
    edges.set(c, { ...edges.get(c), [s.extent]: i + 1 });
  });
  const groups = new Set(series.map((s, i) => s.color ?? i)).size;
  if (groups > MAX_SHADED) return [];
  const bands: uPlot.Band[] = [];
  for (const [c, e] of edges) {
    if (e.min && e.max) bands.push({ series: [e.max, e.min], fill: rgba(COLORS[c % COLORS.length] ?? "#000", 0.1) });
  }
  return bands;
}

/** Line chart sized to its container's width. */
export function LineChart({ x, series, time, height = 260, title, onDrawn }: LineChartProps): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const groups = new Set(series.map((s, i) => s.color ?? i)).size;
    const opts: uPlot.Options = {
      title,
      width: Math.max(320, el.clientWidth),
      height,
      scales: { x: { time: Boolean(time) } },
      series: [
        {},
        ...series.map((s, i) => {
          const color = COLORS[(s.color ?? i) % COLORS.length] ?? "#000";
          return s.extent
            ? // Light enough that the last-value line stays the one you read, dark enough that a spike shows.
              { label: s.label, stroke: rgba(color, 0.45), width: 1, spanGaps: s.spanGaps, class: "mw-extent" }
            : { label: s.label, stroke: color, width: 1.5, spanGaps: s.spanGaps };
        }),
      ],
      bands: bandsOf(series),
      hooks: {
        init: [
          (u) => {
            // With several runs, a legend row per extreme triples the legend: keep one row per run.
            if (groups < 2) return;
            for (const row of u.root.querySelectorAll<HTMLElement>(".u-legend tr.mw-extent"))
              row.style.display = "none";
          },
        ],
        setSeries: [
          (u, i) => {
            // Hiding a run from its legend row hides its extremes too.
            const s = i === null ? undefined : series[i - 1];
            if (i === null || !s || s.extent) return;
            const show = u.series[i]?.show ?? true;
            series.forEach((o, j) => {
              if (o.extent && (o.color ?? j) === (s.color ?? i - 1) && u.series[j + 1]?.show !== show)
                u.setSeries(j + 1, { show });
            });
          },
        ],
        draw: [
          () => {
            // Browser tests read this to measure time to first render.
            el.dataset.drawnAt = String(performance.now());
            onDrawn?.();
          },
        ],
      },
    };
    const plot = new uPlot(opts, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(320, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, time, height, title, onDrawn]);
  return <div className="chart" ref={box} data-testid="metric-chart" />;
}
