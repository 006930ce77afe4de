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

const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563", "#db2777"];

/** Line chart sized to its container's width. */
export function LineChart({ x, series, time, height = 260, title, onDrawn }: LineChartProps): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      title,
      width: Math.max(320, el.clientWidth),
      height,
      scales: { x: { time: Boolean(time) } },
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length],
          width: 1.5,
          spanGaps: s.spanGaps,
        })),
      ],
      hooks: {
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
