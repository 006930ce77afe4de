/**
 * The buckets rows were added to since the last write: one minute bucket and one hour bucket per
 * row (per deployment and model version), taken out as deltas to add into the stored ones.
 */
import { tableFromLogged } from "../logged-table.js";
import type { AggregateSpec } from "./aggregate-spec.js";
import type { PredictionBucket } from "./prediction-bucket.js";
import { addRow, emptyBucket, mergeBuckets, SAMPLE_ROWS, sampledValues } from "./prediction-bucket.js";
import type { SpanMs, StoredPredictions } from "./window-store.js";
import { HOUR_MS, MINUTE_MS } from "./window-store.js";

/** One answered prediction of a primary, as the window aggregates need it. */
export interface LoggedRow {
  deployment: string;
  modelName: string;
  modelVersion: string;
  /** When the request arrived (ms since the epoch). */
  time: number;
  /** The row's inputs as a JSON object text. */
  inputs: string;
}

export interface AccumulatorOptions {
  /** Rows older than this (ms since the epoch) get no minute bucket (it would be pruned at once). */
  minuteFloor: number;
  /** ... and none older than this an hour bucket. */
  hourFloor: number;
  random: () => number;
}

/** Open bucket deltas, by key. */
export class BucketAccumulator {
  private open = new Map<string, StoredPredictions>();

  /** Rows waiting to be written. */
  get size(): number {
    return this.open.size;
  }

  /** Add rows of one deployment and model version (aggregated by `spec`). */
  add(rows: readonly LoggedRow[], spec: AggregateSpec, o: AccumulatorOptions): void {
    if (rows.length === 0) return;
    const { table, badByRow } = tableFromLogged(
      rows.map((r) => r.inputs),
      spec.signature,
    );
    const names = spec.features.filter((f) => f.kind === "numerical").map((f) => f.name);
    const values = new Float64Array(names.length);
    let lastTime = Number.NaN;
    let targets: PredictionBucket[] = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as LoggedRow;
      // Rows of one request share their time: look their buckets up once.
      if (r.time !== lastTime) {
        targets = this.bucketsFor(r, spec, o);
        lastTime = r.time;
      }
      if (targets.length === 0) continue;
      sampledValues(table, names, i, values);
      for (const b of targets) addRow(b, table, i, values, badByRow[i] as number, o.random);
    }
  }

  /** Everything added since the last call, emptied here. */
  take(): StoredPredictions[] {
    const out = [...this.open.values()];
    this.open = new Map();
    return out;
  }

  /** Deltas whose write failed, kept for the next one (merged with what came since). */
  restore(deltas: readonly StoredPredictions[], random: () => number): void {
    for (const d of deltas) {
      const k = keyOf(d.key.deployment, d.key.spanMs, d.key.start, d.key.modelName, d.key.modelVersion);
      const now = this.open.get(k);
      this.open.set(
        k,
        now ? { key: d.key, bucket: mergeBuckets(d.bucket, now.bucket, d.bucket.sample.capacity, random) } : d,
      );
    }
  }

  private bucketsFor(r: LoggedRow, spec: AggregateSpec, o: AccumulatorOptions): PredictionBucket[] {
    const out: PredictionBucket[] = [];
    if (r.time >= o.minuteFloor) out.push(this.bucket(r, MINUTE_MS, spec));
    if (r.time >= o.hourFloor) out.push(this.bucket(r, HOUR_MS, spec));
    return out;
  }

  private bucket(r: LoggedRow, spanMs: SpanMs, spec: AggregateSpec): PredictionBucket {
    const start = Math.floor(r.time / spanMs) * spanMs;
    const k = keyOf(r.deployment, spanMs, start, r.modelName, r.modelVersion);
    let d = this.open.get(k);
    if (!d) {
      const capacity = spanMs === MINUTE_MS ? SAMPLE_ROWS.minute : SAMPLE_ROWS.hour;
      d = {
        key: { deployment: r.deployment, spanMs, start, modelName: r.modelName, modelVersion: r.modelVersion },
        bucket: emptyBucket(spec, capacity),
      };
      this.open.set(k, d);
    }
    return d.bucket;
  }
}

function keyOf(deployment: string, spanMs: number, start: number, name: string, version: string): string {
  return `${deployment}\u0000${spanMs}\u0000${start}\u0000${name}\u0000${version}`;
}
