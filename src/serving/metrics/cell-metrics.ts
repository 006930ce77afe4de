import { Counter, Gauge, type Registry } from "prom-client";

/** A number the hot path updates directly; it is copied into prom-client at scrape time. */
export interface Cell {
  value: number;
}

interface CellConfig<T extends string> {
  name: string;
  help: string;
  labelNames: readonly T[];
}

/** Hands out cells for label sets; callers cache them (each call makes a new series). */
export interface CellSet<T extends string> {
  cell(labels: Record<T, string>): Cell;
}

/**
 * A counter whose series are plain cells: an increment is `cell.value += n`, not prom-client's
 * per-call label validation and hashing. The cells are cumulative, so copying them into the
 * counter at scrape (reset, then inc by the total) keeps counter semantics.
 */
export function cellCounter<T extends string>(registry: Registry, config: CellConfig<T>): CellSet<T> {
  const series: { labels: Record<T, string>; cell: Cell }[] = [];
  new Counter<T>({
    ...config,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of series) this.inc(s.labels, s.cell.value);
    },
  });
  return { cell: (labels) => addCell(series, labels) };
}

/** A gauge whose series are plain cells, copied into prom-client at scrape. */
export function cellGauge<T extends string>(registry: Registry, config: CellConfig<T>): CellSet<T> {
  const series: { labels: Record<T, string>; cell: Cell }[] = [];
  new Gauge<T>({
    ...config,
    registers: [registry],
    collect() {
      for (const s of series) this.set(s.labels, s.cell.value);
    },
  });
  return { cell: (labels) => addCell(series, labels) };
}

function addCell<T extends string>(
  series: { labels: Record<T, string>; cell: Cell }[],
  labels: Record<T, string>,
): Cell {
  const cell = { value: 0 };
  series.push({ labels: { ...labels }, cell });
  return cell;
}
