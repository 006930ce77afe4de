/** Write a log-batch inside one transaction: metrics append, params write-once, tags last-wins. */
import type { KeyValue } from "../../core/api/mlflow-entities.js";
import type { Queryable, SqlValue } from "../../core/db/database.js";
import { invalidParam } from "../../core/errors.js";
import type { MetricInput } from "../tracking-store.js";
import { placeholders } from "./rows.js";

type Latest = [step: number, timestamp: number, value: number, isNan: number];

function newer(a: Latest, b: Latest): boolean {
  // MLflow's SQL store orders by (step, timestamp, value); a NaN value compares lowest.
  if (a[0] !== b[0]) return a[0] > b[0];
  if (a[1] !== b[1]) return a[1] > b[1];
  const av = a[3] ? Number.NEGATIVE_INFINITY : a[2];
  const bv = b[3] ? Number.NEGATIVE_INFINITY : b[2];
  return av > bv;
}

/** Append metrics and move each key's latest value forward. */
export async function writeMetrics(tx: Queryable, runId: string, metrics: readonly MetricInput[]): Promise<void> {
  if (metrics.length === 0) return;
  const rows: SqlValue[][] = new Array(metrics.length);
  const latest = new Map<string, Latest>();
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i] as MetricInput;
    const isNan = Number.isNaN(m.value) ? 1 : 0;
    const value = isNan ? 0 : m.value;
    const step = m.step ?? 0;
    rows[i] = [runId, m.key, step, m.timestamp, value, isNan];
    const cand: Latest = [step, m.timestamp, value, isNan];
    const cur = latest.get(m.key);
    if (!cur || newer(cand, cur)) latest.set(m.key, cand);
  }
  await tx.insertMany("metrics", ["run_uuid", "key", "step", "timestamp", "value", "is_nan"], rows);
  const latestRows = [...latest].map(([key, l]) => [runId, key, ...l] as SqlValue[]);
  await tx.insertMany(
    "latest_metrics",
    ["run_uuid", "key", "step", "timestamp", "value", "is_nan"],
    latestRows,
    `ON CONFLICT (run_uuid, key) DO UPDATE SET step = excluded.step, timestamp = excluded.timestamp,
       value = excluded.value, is_nan = excluded.is_nan
     WHERE (excluded.step, excluded.timestamp, CASE WHEN excluded.is_nan = 1 THEN -1e308 ELSE excluded.value END)
         > (latest_metrics.step, latest_metrics.timestamp, CASE WHEN latest_metrics.is_nan = 1 THEN -1e308 ELSE latest_metrics.value END)`,
  );
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
