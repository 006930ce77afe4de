/**
 * Run populations. Up to a few thousand runs go through the HTTP API (createRun + logBatch, a few
 * requests in flight); the 100,000-run population is written straight into SQLite with bulk
 * INSERTs, because populating is not what is measured.
 */
import type { SqlValue } from "../../src/core/db/database.js";
import { openDatabase } from "../../src/core/db/open-database.js";
import { newRunId } from "../../src/core/ids.js";
import type { MlflowApi } from "../../src/sdk/mlflow-client.js";
import { encodeChunk, sortPoints } from "../../src/tracking/sql/metric-chunk.js";
import { now, pool } from "./stats.js";
import { runParams, runShape, runTags } from "./workload.js";

/** Runs `from..to-1` through the API; resolves to seconds taken. */
export async function populateViaHttp(
  api: MlflowApi,
  experimentId: string,
  range: { from: number; to: number; t0: number },
  concurrency = 4,
): Promise<number> {
  const started = now();
  await pool(range.to - range.from, concurrency, async (k) => {
    const r = runShape(range.from + k, range.t0);
    const { run } = await api.createRun({
      experiment_id: experimentId,
      run_name: r.name,
      user_id: r.user,
      start_time: r.startTime,
      tags: [{ key: "mlflow.user", value: r.user }],
    });
    const ts = r.startTime + 60_000;
    await api.logBatch({
      run_id: run.info.run_id,
      metrics: [
        { key: "auc", value: r.auc, timestamp: ts, step: 0 },
        { key: "loss", value: r.loss, timestamp: ts, step: 0 },
      ],
      params: runParams(r),
      tags: runTags(r),
    });
  });
  return (now() - started) / 1000;
}

const CHUNK = 5000;

/**
 * Runs `from..to-1` inserted directly through `openDatabase` on a second connection (WAL lets the
 * server keep reading). Rows match what createRun + logBatch write: run, tags (mlflow.runName,
 * mlflow.user, team), params, one history point and the latest value per metric.
 */
export async function populateDirect(
  storeUri: string,
  experimentId: string,
  range: { from: number; to: number; t0: number },
): Promise<number> {
  const started = now();
  const db = openDatabase(storeUri);
  try {
    const exp = await db.get<{ artifact_location: string }>(
      "SELECT artifact_location FROM experiments WHERE experiment_id = ?",
      [Number(experimentId)],
    );
    if (!exp) throw new Error(`experiment ${experimentId} not found`);
    const root = exp.artifact_location.replace(/\/+$/, "");
    for (let lo = range.from; lo < range.to; lo += CHUNK) {
      const hi = Math.min(range.to, lo + CHUNK);
      const runs: SqlValue[][] = [];
      const tags: SqlValue[][] = [];
      const params: SqlValue[][] = [];
      const metrics: SqlValue[][] = [];
      for (let i = lo; i < hi; i++) {
        const r = runShape(i, range.t0);
        const id = newRunId();
        const ts = r.startTime + 60_000;
        runs.push([id, r.name, Number(experimentId), r.user, "FINISHED", r.startTime, ts, `${root}/${id}/artifacts`]);
        tags.push([id, "mlflow.runName", r.name], [id, "mlflow.user", r.user]);
        for (const t of runTags(r)) tags.push([id, t.key, t.value]);
        for (const p of runParams(r)) params.push([id, p.key, p.value]);
        metrics.push([id, "auc", ts, r.auc], [id, "loss", ts, r.loss]);
      }
      await db.transaction(async (tx) => {
        await tx.insertMany(
          "runs",
          [
            "run_uuid",
            "name",
            "experiment_id",
            "user_id",
            "status",
            "start_time",
            "end_time",
            "artifact_uri",
            "lifecycle_stage",
          ],
          runs.map((r) => [...r, "active"]),
        );
        await tx.insertMany("tags", ["run_uuid", "key", "value"], tags);
        await tx.insertMany("params", ["run_uuid", "key", "value"], params);
        // Each (run, key) is a series; ids come from the same counter the store allocates from.
        const top = await tx.get<{ value: number }>(
          "UPDATE id_counters SET value = value + ? WHERE name = 'metric_series' RETURNING value",
          [metrics.length],
        );
        const first = Number(top?.value) - metrics.length + 1;
        await tx.insertMany(
          "latest_metrics",
          ["run_uuid", "key", "series_id", "step", "timestamp", "value", "is_nan"],
          metrics.map(([id, key, ts, value], i) => [id, key, first + i, 0, ts, value, 0] as SqlValue[]),
        );
        await tx.insertMany(
          "metric_chunks",
          ["series_id", "first_step", "first_ts", "last_step", "last_ts", "points", "data"],
          metrics.map(([, , ts, value], i) => {
            const chunk = encodeChunk(sortPoints([0], [ts as number], [value as number]));
            return [first + i, 0, ts, 0, ts, 1, chunk] as SqlValue[];
          }),
        );
      });
    }
  } finally {
    await db.close();
  }
  return (now() - started) / 1000;
}

/** `ANALYZE` once, so the planner has index statistics; resolves to seconds taken. */
export async function analyze(storeUri: string): Promise<number> {
  const started = now();
  const db = openDatabase(storeUri);
  try {
    await db.exec("ANALYZE");
  } finally {
    await db.close();
  }
  return (now() - started) / 1000;
}
