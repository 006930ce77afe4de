/** Write a log-batch inside one transaction: metrics append, params write-once, tags last-wins. */
import type { KeyValue } from "../../core/api/mlflow-entities.js";
import type { Queryable, SqlValue } from "../../core/db/database.js";
import { invalidParam } from "../../core/errors.js";
import type { MetricInput } from "../tracking-store.js";
import { placeholders } from "./rows.js";

type Latest = [step: number, timestamp: number, value: number, isNan: number];

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
  for (const m of metrics) {
    const isNan = Number.isNaN(m.value) ? 1 : 0;
    const cand: Latest = [m.step ?? 0, m.timestamp, isNan ? 0 : m.value, isNan];
    const cur = latest.get(m.key);
    if (!cur || newer(cand, cur)) latest.set(m.key, cand);
  }
  const series = await seriesFor(tx, runId, latest);
  const rows: SqlValue[][] = new Array(metrics.length);
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i] as MetricInput;
    const isNan = Number.isNaN(m.value) ? 1 : 0;
    rows[i] = [series.get(m.key) as number, m.step ?? 0, m.timestamp, isNan ? 0 : m.value, isNan];
  }
  await tx.insertMany("metrics", ["series_id", "step", "timestamp", "value", "is_nan"], rows, "ON CONFLICT DO NOTHING");
}

/**
 * The series id of every key in the batch, creating series for new keys, and the latest-value
 * rows updated where the batch holds a newer point.
 */
async function seriesFor(tx: Queryable, runId: string, latest: Map<string, Latest>): Promise<Map<string, number>> {
  const keys = [...latest.keys()];
  const select = `SELECT key, series_id, step, timestamp, value, is_nan FROM latest_metrics
    WHERE run_uuid = ? AND key IN (${placeholders(keys.length)})`;
  let found = await tx.all<SeriesRow>(select, [runId, ...keys]);
  if (found.length < keys.length) {
    const have = new Set(found.map((r) => r.key));
    const fresh = keys.filter((k) => !have.has(k));
    const top = await tx.get<{ value: number }>(
      "UPDATE id_counters SET value = value + ? WHERE name = 'metric_series' RETURNING value",
      [fresh.length],
    );
    let next = Number(top?.value) - fresh.length + 1;
    const rows = fresh.map((k) => [runId, k, next++, ...(latest.get(k) as Latest)]);
    // A concurrent writer may have created the same series (PostgreSQL): keep theirs.
    await tx.insertMany(
      "latest_metrics",
      ["run_uuid", "key", "series_id", "step", "timestamp", "value", "is_nan"],
      rows,
      "ON CONFLICT (run_uuid, key) DO NOTHING",
    );
    found = await tx.all<SeriesRow>(select, [runId, ...keys]);
  }
  const ids = new Map<string, number>();
  for (const r of found) {
    ids.set(r.key, Number(r.series_id));
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
  for (const p of params) {
    const old = have.get(p.key);
    if (old === undefined) fresh.push([runId, p.key, p.value]);
    else if (old !== p.value) {
      throw invalidParam(
        `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}' for run ID='${runId}'. Attempted logging new value '${p.value}'.`,
      );
    }
  }
  await tx.insertMany("params", ["run_uuid", "key", "value"], fresh);
}

/** Upsert tags, last write wins (also within one request). */
export async function writeTags(tx: Queryable, runId: string, tags: readonly KeyValue[]): Promise<void> {
  if (tags.length === 0) return;
  const last = new Map<string, string>();
  for (const t of tags) last.set(t.key, t.value);
  await tx.insertMany(
    "tags",
    ["run_uuid", "key", "value"],
    [...last].map(([k, v]) => [runId, k, v]),
    "ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value",
  );
  const name = last.get("mlflow.runName");
  if (name !== undefined) await tx.run("UPDATE runs SET name = ? WHERE run_uuid = ?", [name, runId]);
}
