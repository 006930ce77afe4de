import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { migrate } from "../../../core/db/migrate.js";
import { openSqlite } from "../../../core/db/sqlite/sqlite-database.js";
import { servingMigrations } from "../../migrations.js";
import type { PredictionRecord } from "../prediction-log-store.js";
import { SqlPredictionLogStore } from "../sql/sql-prediction-log-store.js";
import { SqliteWorkerPredictionLogStore } from "./sqlite-worker-prediction-log-store.js";

const record = (i: number): PredictionRecord => ({
  deployment: "d",
  requestId: `req-${i}`,
  row: 0,
  variant: "primary",
  shadow: false,
  modelName: "churn",
  modelVersion: "1",
  inputs: JSON.stringify({ tenure: i }),
  score: i / 1000,
  label: "No",
  time: 1000 + i,
  latencyMs: 0.5,
});

/** Run `fn` on a worker store over a fresh, migrated SQLite file (removed afterwards). */
async function withStore(fn: (store: SqliteWorkerPredictionLogStore) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mw-plog-worker-"));
  const path = join(dir, "m.db");
  const db = openSqlite(path);
  try {
    await migrate(db, servingMigrations);
    await fn(new SqliteWorkerPredictionLogStore(path, new SqlPredictionLogStore(db)));
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("inserts run on the worker's connection and are read back through the platform's", () =>
  withStore(async (store) => {
    await Promise.all([
      store.appendPredictions(Array.from({ length: 500 }, (_, i) => record(i))),
      store.appendPredictions([record(500), record(0)]),
    ]);
    assert.equal(await store.countPredictions("d"), 501);
    const rows = await store.listPredictions({ deployment: "d", since: 1498 });
    assert.deepEqual(rows, [record(498), record(499), record(500)]);
    const last = store.appendPredictions([record(600)]);
    await store.close();
    await last;
    assert.equal(await store.countPredictions("d"), 502);
    await assert.rejects(store.appendPredictions([record(700)]), /closed/);
  }));

test("values survive the hand-over: NaN and infinite scores, quotes, newlines and U+0001 inside strings", () =>
  withStore(async (store) => {
    const odd = (i: number, score: number, extra: Partial<PredictionRecord> = {}): PredictionRecord => ({
      ...record(i),
      score,
      ...extra,
    });
    const records = [
      odd(1, Number.NaN),
      odd(2, Number.POSITIVE_INFINITY),
      odd(3, Number.NEGATIVE_INFINITY),
      odd(4, 0.25, {
        routingKey: 'key "with"\nnewline\u0001and tab\t',
        label: "Ünïcode ✓",
        inputs: JSON.stringify({ text: 'a "quoted"\nline\u0001' }),
        shadow: true,
        variant: "candidate",
      }),
    ];
    await store.appendPredictions(records);
    const back = await store.listPredictions({ deployment: "d" });
    assert.equal(back.length, 4);
    assert.ok(Number.isNaN(back[0]?.score));
    assert.deepEqual(back.slice(1), records.slice(1));
    await store.close();
  }));

test("grouped inserts: a repeated (request, row, variant) inside one group keeps the first, the tail goes row by row", () =>
  withStore(async (store) => {
    // 150 rows: two groups of 64 and 22 single inserts; row 70 repeats row 65's key with other values.
    const records = Array.from({ length: 150 }, (_, i) =>
      i === 70 ? { ...record(65), score: 0.999, routingKey: "late" } : { ...record(i), routingKey: `k${i}` },
    );
    await store.appendPredictions(records);
    const back = await store.listPredictions({ deployment: "d" });
    assert.equal(back.length, 149);
    assert.deepEqual(
      back.find((r) => r.requestId === "req-65"),
      records[65],
    );
    assert.deepEqual(
      back.find((r) => r.requestId === "req-149"),
      records[149],
    );
    await store.close();
  }));

test("labeled scores are read through the platform's connection", () =>
  withStore(async (store) => {
    await store.appendPredictions([record(1), { ...record(2), routingKey: "cust-2" }]);
    await store.appendFeedback([
      { id: "f1", deployment: "d", requestId: "req-1", outcome: "1", time: 5000 },
      { id: "f2", deployment: "d", routingKey: "cust-2", outcome: "0", time: 5000 },
    ]);
    const rows = await store.listLabeledScores({ deployment: "d", since: 0 });
    assert.deepEqual(
      rows.map((r) => [r.time, r.score, r.outcome]),
      [
        [1002, 0.002, "0"],
        [1001, 0.001, "1"],
      ],
    );
    await store.close();
  }));
