/** Window aggregates over SQL (SQLite or PostgreSQL): the "monitoring-windows" tables. */
import type { Database, Queryable, SqlValue } from "../../../../core/db/database.js";
import {
  decodeLabelBucket,
  decodePredictionBucket,
  encodeLabelBucket,
  encodePredictionBucket,
} from "../bucket-codec.js";
import { mergeBuckets } from "../prediction-bucket.js";
import type {
  BucketCount,
  BucketKey,
  SpanMs,
  StoredLabels,
  StoredPredictions,
  VersionTotals,
  WindowStore,
} from "../window-store.js";

const KEY = "deployment = ? AND span_ms = ? AND bucket_start = ? AND model_name = ? AND model_version = ?";
const KEY_COLUMNS = "deployment, span_ms, bucket_start, model_name, model_version";

type Num = number | string;

interface BucketRow {
  bucket_start: Num;
  model_name: string;
  model_version: string;
  data: Uint8Array;
}

function keyValues(k: BucketKey): SqlValue[] {
  return [k.deployment, k.spanMs, k.start, k.modelName, k.modelVersion];
}

/** The SQL {@link WindowStore}. Needs the "monitoring-windows" migration applied. */
export class SqlWindowStore implements WindowStore {
  /** `random` draws the merged samples (seed it for reproducible tests). */
  constructor(
    private readonly db: Database,
    private readonly random: () => number = Math.random,
  ) {}

  async addPredictions(deltas: readonly StoredPredictions[], now: number): Promise<void> {
    if (deltas.length === 0) return;
    // Read, add and write in one transaction: several processes may add to the same bucket.
    await this.db.transaction((tx) => this.addInto(tx, deltas, now));
  }

  /** {@link addPredictions} inside the caller's transaction `tx` (with work that must commit with it). */
  async addInto(tx: Queryable, deltas: readonly StoredPredictions[], now: number): Promise<void> {
    for (const d of deltas) await this.addOne(tx, d, now);
  }

  private async addOne(tx: Queryable, d: StoredPredictions, now: number): Promise<void> {
    const key = keyValues(d.key);
    const inserted = await tx.run(
      `INSERT INTO monitor_window_buckets (${KEY_COLUMNS}, rows_count, data, updated_time)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (${KEY_COLUMNS}) DO NOTHING`,
      [...key, d.bucket.rows, encodePredictionBucket(d.bucket), now],
    );
    if (inserted > 0) return;
    const lock = this.db.dialect.name === "postgres" ? " FOR UPDATE" : "";
    const row = await tx.get<{ data: Uint8Array }>(`SELECT data FROM monitor_window_buckets WHERE ${KEY}${lock}`, key);
    if (!row) throw new Error(`window bucket vanished during its update: ${key.join(" ")}`);
    const merged = mergeBuckets(decodePredictionBucket(row.data), d.bucket, d.bucket.sample.capacity, this.random);
    await tx.run(`UPDATE monitor_window_buckets SET rows_count = ?, data = ?, updated_time = ? WHERE ${KEY}`, [
      merged.rows,
      encodePredictionBucket(merged),
      now,
      ...key,
    ]);
  }

  async putLabels(buckets: readonly StoredLabels[], now: number): Promise<void> {
    if (buckets.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const b of buckets) {
        await tx.run(
          `INSERT INTO monitor_label_buckets (${KEY_COLUMNS}, labelled, data, updated_time)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (${KEY_COLUMNS})
           DO UPDATE SET labelled = excluded.labelled, data = excluded.data, updated_time = excluded.updated_time`,
          [...keyValues(b.key), b.bucket.labelled, encodeLabelBucket(b.bucket), now],
        );
      }
    });
  }

  async predictions(deployment: string, spanMs: SpanMs, from: number, to: number): Promise<StoredPredictions[]> {
    const rows = await this.range("monitor_window_buckets", deployment, spanMs, from, to);
    return rows.map((r) => ({ key: toKey(deployment, spanMs, r), bucket: decodePredictionBucket(r.data) }));
  }

  async labels(deployment: string, spanMs: SpanMs, from: number, to: number): Promise<StoredLabels[]> {
    const rows = await this.range("monitor_label_buckets", deployment, spanMs, from, to);
    return rows.map((r) => ({ key: toKey(deployment, spanMs, r), bucket: decodeLabelBucket(r.data) }));
  }

  private range(table: string, deployment: string, spanMs: SpanMs, from: number, to: number): Promise<BucketRow[]> {
    return this.db.all<BucketRow>(
      `SELECT bucket_start, model_name, model_version, data FROM ${table}
       WHERE deployment = ? AND span_ms = ? AND bucket_start >= ? AND bucket_start < ?
       ORDER BY bucket_start, model_name, model_version`,
      [deployment, spanMs, from, to],
    );
  }

  async totals(
    deployment: string,
    spanMs: SpanMs,
    from: number,
    to: number,
  ): Promise<{ predictions: VersionTotals[]; labels: VersionTotals[] }> {
    const of = (table: string, column: string) =>
      `SELECT model_name, model_version, SUM(${column}) AS total, MAX(${column}) AS most FROM ${table}
       WHERE deployment = ? AND span_ms = ? AND bucket_start >= ? AND bucket_start < ?
       GROUP BY model_name, model_version ORDER BY model_name, model_version`;
    const params = [deployment, spanMs, from, to];
    const [predictions, labels] = await Promise.all([
      this.db.all<TotalsRow>(of("monitor_window_buckets", "rows_count"), params),
      this.db.all<TotalsRow>(of("monitor_label_buckets", "labelled"), params),
    ]);
    return { predictions: predictions.map(toTotals), labels: labels.map(toTotals) };
  }

  async rowCounts(deployment: string, spanMs: SpanMs, before: number, limit: number): Promise<BucketCount[]> {
    const rows = await this.db.all<{ bucket_start: Num; n: Num }>(
      `SELECT bucket_start, SUM(rows_count) AS n FROM monitor_window_buckets
       WHERE deployment = ? AND span_ms = ? AND bucket_start < ?
       GROUP BY bucket_start ORDER BY bucket_start DESC LIMIT ?`,
      [deployment, spanMs, before, limit],
    );
    return rows.map((r) => ({ start: Number(r.bucket_start), rows: Number(r.n) }));
  }

  async oldestStart(deployment: string, spanMs: SpanMs): Promise<number | undefined> {
    const row = await this.db.get<{ t: Num | null }>(
      "SELECT MIN(bucket_start) AS t FROM monitor_window_buckets WHERE deployment = ? AND span_ms = ?",
      [deployment, spanMs],
    );
    return row?.t === null || row?.t === undefined ? undefined : Number(row.t);
  }

  async prune(spanMs: SpanMs, before: number): Promise<number> {
    // Per deployment, so each delete walks the primary key's range.
    const deployments = await this.db.all<{ deployment: string }>(
      "SELECT DISTINCT deployment FROM monitor_window_buckets UNION SELECT DISTINCT deployment FROM monitor_label_buckets",
    );
    let n = 0;
    for (const { deployment } of deployments) {
      for (const table of ["monitor_window_buckets", "monitor_label_buckets"]) {
        n += await this.db.run(`DELETE FROM ${table} WHERE deployment = ? AND span_ms = ? AND bucket_start < ?`, [
          deployment,
          spanMs,
          before,
        ]);
      }
    }
    return n;
  }
}

interface TotalsRow {
  model_name: string;
  model_version: string;
  total: Num;
  most: Num;
}

function toTotals(r: TotalsRow): VersionTotals {
  return { modelName: r.model_name, modelVersion: r.model_version, sum: Number(r.total), most: Number(r.most) };
}

function toKey(deployment: string, spanMs: SpanMs, r: BucketRow): BucketKey {
  return { deployment, spanMs, start: Number(r.bucket_start), modelName: r.model_name, modelVersion: r.model_version };
}
