import type { Metric, Registry } from "prom-client";

/** The counts of one histogram series; `observe` is a bucket search and three additions. */
export class HistogramCells {
  /** Per-bucket (not cumulative) counts; the last slot is the +Inf bucket. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: Float64Array) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Adds one finite value; callers skip NaN and infinities. */
  observe(value: number): void {
    const b = this.bounds;
    let lo = 0;
    let hi = b.length;
    // First bound >= value (the `le` semantics); hi === b.length means +Inf.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (b[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    this.counts[lo]++;
    this.sum += value;
    this.count++;
  }
}

interface HistogramConfig<T extends string> {
  name: string;
  help: string;
  labelNames: readonly T[];
  buckets: readonly number[];
}

type Sample = { value: number; labels: Record<string, string | number>; metricName: string };

/**
 * A histogram exposed through a prom-client registry, whose series are plain counters.
 * prom-client's own Histogram validates and hashes the labels on every observe, even through a
 * cached child (about 1 µs each here); the request path and per-row score loop can't afford that.
 * It implements the `get()` contract prom-client's registry reads; a test compares its samples
 * with prom-client's Histogram fed the same values.
 */
export class BucketHistogram<T extends string> {
  readonly type = "histogram";
  readonly aggregator = "sum";
  readonly name: string;
  readonly help: string;
  private readonly bounds: Float64Array;
  private series: { labels: Record<T, string>; cells: HistogramCells }[] = [];

  constructor(registry: Registry, config: HistogramConfig<T>) {
    this.name = config.name;
    this.help = config.help;
    this.bounds = Float64Array.from([...config.buckets].sort((a, b) => a - b));
    // prom-client types registerMetric for its own classes; the registry only calls get() and reset().
    registry.registerMetric(this as unknown as Metric);
  }

  /** Creates the cells of a new series; callers cache them (each call makes a new series). */
  cells(labels: Record<T, string>): HistogramCells {
    const cells = new HistogramCells(this.bounds);
    this.series.push({ labels: { ...labels }, cells });
    return cells;
  }

  /** Drops every series (prom-client's registry.resetMetrics calls this). */
  reset(): void {
    this.series = [];
  }

  /** The samples in prom-client's shape: `_bucket` (cumulative, with `le`), `_sum`, `_count`. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: Sample[] }> {
    const values: Sample[] = [];
    for (const { labels, cells } of this.series) this.pushSeries(values, labels, cells);
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  private pushSeries(values: Sample[], labels: Record<T, string>, cells: HistogramCells): void {
    const bucket = `${this.name}_bucket`;
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += cells.counts[i];
      values.push({ value: cumulative, labels: { ...labels, le: this.bounds[i] }, metricName: bucket });
    }
    values.push({ value: cells.count, labels: { ...labels, le: "+Inf" }, metricName: bucket });
    values.push({ value: cells.sum, labels, metricName: `${this.name}_sum` });
    values.push({ value: cells.count, labels, metricName: `${this.name}_count` });
  }
}
