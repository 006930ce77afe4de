/** Axes of the parallel-coordinates view: numeric params scale linearly, text params become ordered categories. */
import { formatNumber } from "../format";

export interface AxisRun {
  params: Record<string, string>;
  metric: number | undefined;
}

export interface Axis {
  name: string;
  /** 0 (bottom) … 1 (top), or undefined when the run has no value. */
  position: (run: AxisRun) => number | undefined;
  ticks: { t: number; label: string }[];
}

/** Params whose values differ across the runs, then the metric axis (always last). */
export function buildAxes(runs: AxisRun[], metricKey: string): Axis[] {
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.params)) keys.add(k);
  const axes: Axis[] = [];
  for (const key of [...keys].sort()) {
    const values = runs.map((r) => r.params[key]);
    if (new Set(values).size < 2) continue;
    const present = values.filter((v): v is string => v !== undefined);
    const nums = present.map(Number);
    axes.push(
      nums.every(Number.isFinite) && present.every((v) => v.trim() !== "")
        ? numericAxis(key, nums, (r) => (r.params[key] === undefined ? undefined : Number(r.params[key])))
        : categoryAxis(key, present, (r) => r.params[key]),
    );
  }
  const metrics = runs.map((r) => r.metric).filter((v): v is number => v !== undefined && Number.isFinite(v));
  axes.push(
    numericAxis(metricKey, metrics, (r) =>
      r.metric !== undefined && Number.isFinite(r.metric) ? r.metric : undefined,
    ),
  );
  return axes;
}

function numericAxis(name: string, values: number[], get: (r: AxisRun) => number | undefined): Axis {
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const span = hi - lo;
  // One distinct value: put it mid-axis rather than dividing by zero.
  const pos = (v: number) => (span === 0 ? 0.5 : (v - lo) / span);
  const ticks =
    span === 0
      ? [{ t: 0.5, label: formatNumber(lo) }]
      : [0, 0.5, 1].map((t) => ({ t, label: formatNumber(lo + t * span) }));
  return {
    name,
    position: (r) => {
      const v = get(r);
      return v === undefined ? undefined : pos(v);
    },
    ticks: values.length ? ticks : [],
  };
}

function categoryAxis(name: string, values: string[], get: (r: AxisRun) => string | undefined): Axis {
  const cats = [...new Set(values)].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const pos = (i: number) => (cats.length === 1 ? 0.5 : i / (cats.length - 1));
  const index = new Map(cats.map((c, i) => [c, i]));
  // Label every category while they fit, else only the ends.
  const shown =
    cats.length <= 12
      ? cats.map((c, i) => ({ t: pos(i), label: c }))
      : [0, cats.length - 1].map((i) => ({ t: pos(i), label: cats[i] ?? "" }));
  return {
    name,
    position: (r) => {
      const v = get(r);
      const i = v === undefined ? undefined : index.get(v);
      return i === undefined ? undefined : pos(i);
    },
    ticks: shown,
  };
}

/** 0 → blue, 1 → red (through purple); grey when the run has no metric value. */
export function metricColor(t: number | undefined): string {
  if (t === undefined) return "#9ca3af";
  const lerp = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${lerp(37, 220)},${lerp(99, 38)},${lerp(235, 38)})`;
}
