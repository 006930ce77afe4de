/**
 * Write a log-batch inside one transaction: metrics append, params write-once, tags last-wins.
 * Params and tags are numbered in the order given (see core/db/insertion-order.ts).
 */
import type { KeyValue } from "../../core/api/mlflow-entities.js";
import type { Queryable, SqlValue } from "../../core/db/database.js";
import { nextSeq } from "../../core/db/insertion-order.js";
import { invalidParam } from "../../core/errors.js";
import type { MetricInput } from "../tracking-store.js";
import { sortPoints } from "./metric-chunk.js";
import { appendPoints } from "./metric-chunk-store.js";
import { placeholders } from "./rows.js";

type Latest = [step: number, timestamp: number, value: number, isNan: number];

interface SeriesInfo {
  id: number;
  tail?: { step: number; ts: number };
}

interface SeriesRow {
  key: string;
  series_id: number;
  step: number;
  timestamp: number;
  value: number;
  is_nan: number;
}

function newer(a: Latest, b: Latest): boolean {
  // MLflow's SQL store orders by (step, timestamp, value); a NaN value compares lowest.
  if (a[0] !== b[0]) return a[0] > b[0];
  if (a[1] !== b[1]) return a[1] > b[1];
  const av = a[3] ? Number.NEGATIVE_INFINITY : a[2];
  const bv = b[3] ? Number.NEGATIVE_INFINITY : b[2];
  return av > bv;
}

/** Append metrics to their series and move each key's latest value forward. */
export async function writeMetrics(tx: Queryable, runId: string, metrics: readonly MetricInput[]): Promise<void> {
  if (metrics.length === 0) return;
  const latest = new Map<string, Latest>();
  const byKey = new Map<string, { step: number[]; ts: number[]; value: number[] }>();
  for (const m of metrics) {
    const isNan = Number.isNaN(m.value) ? 1 : 0;
    const step = m.step ?? 0;
    const cand: Latest = [step, m.timestamp, isNan ? 0 : m.value, isNan];
    const cur = latest.get(m.key);
    if (!cur || newer(cand, cur)) latest.set(m.key, cand);
    let cols = byKey.get(m.key);
    if (!cols) {
      cols = { step: [], ts: [], value: [] };
      byKey.set(m.key, cols);
    }
    cols.step.push(step);
    cols.ts.push(m.timestamp);
    cols.value.push(m.value);
  }
  const series = await seriesFor(tx, runId, latest);
  for (const [key, cols] of byKey) {
    const s = series.get(key) as SeriesInfo;
    await appendPoints(tx, s.id, sortPoints(cols.step, cols.ts, cols.value), s.tail);
  }
}

/**
 * The series id of every key in the batch, creating series for new keys, and the latest-value
 * rows updated where the batch holds a newer point.
 */
async function seriesFor(tx: Queryable, runId: string, latest: Map<string, Latest>): Promise<Map<string, SeriesInfo>> {
  const keys = [...latest.keys()];
  const select = `SELECT key, series_id, step, timestamp, value, is_nan FROM latest_metrics
    WHERE run_uuid = ? AND key IN (${placeholders(keys.length)})`;
  let found = await tx.all<SeriesRow>(select, [runId, ...keys]);
  const fresh = new Map<string, number>();
  if (found.length < keys.length) {
    const have = new Set(found.map((r) => r.key));
    const missing = keys.filter((k) => !have.has(k));
    const top = await tx.get<{ value: number }>(
      "UPDATE id_counters SET value = value + ? WHERE name = 'metric_series' RETURNING value",
      [missing.length],
    );
    let next = Number(top?.value) - missing.length + 1;
    for (const k of missing) fresh.set(k, next++);
    const rows = missing.map((k) => [runId, k, fresh.get(k) as number, ...(latest.get(k) as Latest)]);
    // A concurrent writer may have created the same series (PostgreSQL): keep theirs.
    await tx.insertMany(
      "latest_metrics",
      ["run_uuid", "key", "series_id", "step", "timestamp", "value", "is_nan"],
      rows,
      "ON CONFLICT (run_uuid, key) DO NOTHING",
    );
    found = await tx.all<SeriesRow>(select, [runId, ...keys]);
  }
  const ids = new Map<string, SeriesInfo>();
  for (const r of found) {
    // A series this batch created has no stored points yet (unless a concurrent writer won).
    const created = fresh.get(r.key) === Number(r.series_id);
    const tail = created ? undefined : { step: Number(r.step), ts: Number(r.timestamp) };
    ids.set(r.key, { id: Number(r.series_id), tail });
    const cand = latest.get(r.key) as Latest;
    if (newer(cand, [Number(r.step), Number(r.timestamp), r.value, r.is_nan])) {
      await tx.run("UPDATE latest_metrics SET step = ?, timestamp = ?, value = ?, is_nan = ? WHERE series_id = ?", [
        ...cand,
        r.series_id,
      ]);
    }
  }
  return ids;
}

/** Insert params; re-logging the same value is a no-op, a different value is an error. */
export async function writeParams(tx: Queryable, runId: string, params: readonly KeyValue[]): Promise<void> {
  if (params.length === 0) return;
  const existing = await tx.all<KeyValue>(
    `SELECT key, value FROM params WHERE run_uuid = ? AND key IN (${placeholders(params.length)})`,
    [runId, ...params.map((p) => p.key)],
  );
  const have = new Map(existing.map((p) => [p.key, p.value]));
  const fresh: SqlValue[][] = [];
  let seq = 0;
  for (const p of params) {
    const old = have.get(p.key);
    if (old === undefined) {
      seq ||= await nextSeq(tx, "params", "run_uuid = ?", [runId]);
      fresh.push([runId, p.key, p.value, seq++]);
    } else if (old !== p.value) {
      throw invalidParam(
        `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}' for run ID='${runId}'. Attempted logging new value '${p.value}'.`,
      );
    }
  }
  await tx.insertMany("params", ["run_uuid", "key", "value", "seq"], fresh);
}

/** Upsert tags, last write wins (also within one request); a tag keeps the place it was first set at. */
export async function writeTags(tx: Queryable, runId: string, tags: readonly KeyValue[]): Promise<void> {
  if (tags.length === 0) return;
  const last = new Map<string, string>();
  for (const t of tags) last.set(t.key, t.value);
  const seq = await nextSeq(tx, "tags", "run_uuid = ?", [runId]);
  await tx.insertMany(
    "tags",
    ["run_uuid", "key", "value", "seq"],
    [...last].map(([k, v], i) => [runId, k, v, seq + i]),
    "ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value",
  );
  const name = last.get("mlflow.runName");
  if (name !== undefined) await tx.run("UPDATE runs SET name = ? WHERE run_uuid = ?", [name, runId]);
}
