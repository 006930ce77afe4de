/**
 * The backfill on every backend: bounds are recorded once (the start, or the oldest bucket kept
 * live), a batch's buckets commit with its progress, a stopped backfill resumes, and two processes
 * building one deployment at once count every row once.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../../core/db/database.js";
import { migrate } from "../../../../core/db/migrate.js";
import { testBackends } from "../../../../core/db/test-support/backends.js";
import { seededRandom } from "../../../../core/random.js";
import { servingMigrations } from "../../../../serving/migrations.js";
import type { PredictionRecord } from "../../../../serving/prediction-log/prediction-log-store.js";
import { SqlPredictionLogStore } from "../../../../serving/prediction-log/sql/sql-prediction-log-store.js";
import { monitoringMigrations } from "../../../migrations.js";
import type { AggregateSpec } from "../aggregate-spec.js";
import { emptyBucket } from "../prediction-bucket.js";
import { WindowBackfill } from "../window-backfill.js";
import type { SpanMs } from "../window-store.js";
import { HOUR_MS, MINUTE_MS } from "../window-store.js";
import { SqlBackfillStore } from "./sql-backfill-store.js";
import { SqlWindowStore } from "./sql-window-store.js";

const SPEC: AggregateSpec = {
  signature: { task: "binary", inputs: [{ name: "tenure", type: "int" }] },
  features: [{ name: "tenure", type: "int", kind: "numerical", edges: [0, 10, 20] }],
};
const NOW = Date.UTC(2026, 5, 1, 12, 30);

function rows(deployment: string, times: number[]): PredictionRecord[] {
  return times.map((time, i) => ({
    deployment,
    requestId: `${deployment}-${time}-${i}`,
    row: 0,
    variant: "primary" as const,
    shadow: false,
    modelName: "churn",
    modelVersion: "1",
    inputs: JSON.stringify({ tenure: i % 25 }),
    score: 0.5,
    label: "No",
    time,
    latencyMs: 1,
  }));
}

for (const backend of testBackends()) {
  describe(`window backfill (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let windows: SqlWindowStore;
    let store: SqlBackfillStore;
    const log = () => new SqlPredictionLogStore(db);
    const backfill = (deployment: string, o: { batchRows?: number; pause?: () => Promise<void> } = {}) =>
      new WindowBackfill(
        {
          store,
          windows,
          log: log(),
          spec: async () => SPEC,
          clock: { now: () => NOW },
          startedAt: NOW - 10 * MINUTE_MS,
          random: seededRandom(deployment.length),
        },
        { batchRows: o.batchRows ?? 7, ...(o.pause ? { pause: o.pause } : {}) },
      );
    const counted = async (deployment: string, spanMs: SpanMs) =>
      (await windows.predictions(deployment, spanMs, 0, NOW * 2)).reduce((n, b) => n + b.bucket.rows, 0);

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, servingMigrations);
      await migrate(db, monitoringMigrations);
      windows = new SqlWindowStore(db, seededRandom(3));
      store = new SqlBackfillStore(db, windows);
    });
    after(() => drop());

    test("bounds: the start without buckets, the oldest hour bucket with; recorded once", async () => {
      await log().appendPredictions(rows("fresh", [NOW - 2 * HOUR_MS]));
      await log().appendPredictions(rows("kept", [NOW - 5 * HOUR_MS]));
      const start = Math.floor((NOW - 3 * HOUR_MS) / HOUR_MS) * HOUR_MS;
      const key = { deployment: "kept", spanMs: HOUR_MS, start, modelName: "churn", modelVersion: "1" } as const;
      await windows.addPredictions([{ key, bucket: emptyBucket(SPEC, 4) }], NOW);
      const states = await store.begin(NOW - 10 * MINUTE_MS, NOW);
      assert.deepEqual(
        states.map((s) => [s.deployment, s.until, s.next, s.rows, s.doneTime]),
        [
          ["fresh", NOW - 10 * MINUTE_MS, 0, 0, undefined],
          ["kept", start, 0, 0, undefined],
        ],
      );
      const again = await store.begin(NOW, NOW + 1);
      assert.deepEqual(
        again.map((s) => s.until),
        [NOW - 10 * MINUTE_MS, start],
      );
      assert.equal(await store.commit({ deployment: "fresh", from: 5, next: 9, rows: 1, done: false }, [], NOW), false);
    });

    test("a stopped backfill resumes where it stopped; batches never split a millisecond", async () => {
      const times = Array.from({ length: 40 }, (_, i) => NOW - 3 * HOUR_MS + Math.floor(i / 4) * 7 * MINUTE_MS);
      await log().appendPredictions(rows("resumed", times));
      await store.begin(NOW - 10 * MINUTE_MS, NOW);
      let first: WindowBackfill | undefined;
      first = backfill("resumed", {
        batchRows: 6,
        // Stops the run it is waited in (stop() itself waits for that run).
        pause: async () => void first?.stop(),
      });
      await first.start();
      await first.finished();
      const part = await store.state("resumed");
      assert.ok(part && part.doneTime === undefined && part.rows > 0 && part.rows < 40, JSON.stringify(part));
      assert.equal(part.rows % 4, 0, "whole milliseconds per batch");
      assert.equal(await counted("resumed", HOUR_MS), part.rows);
      const second = backfill("resumed", { batchRows: 6 });
      await second.start();
      await second.finished();
      const done = await store.state("resumed");
      assert.equal(done?.rows, 40);
      assert.ok(done?.doneTime !== undefined);
      assert.equal(await counted("resumed", HOUR_MS), 40);
      assert.equal(await counted("resumed", MINUTE_MS), 40);
    });

    test("two processes building one deployment at once count each row once", async () => {
      const times = Array.from({ length: 60 }, (_, i) => NOW - 5 * HOUR_MS + i * 3 * MINUTE_MS);
      await log().appendPredictions(rows("raced", times));
      await store.begin(NOW - 10 * MINUTE_MS, NOW);
      const a = backfill("raced", { pause: async () => {} });
      const b = backfill("raced", { pause: async () => {} });
      await Promise.all([a.start(), b.start()]);
      await Promise.all([a.finished(), b.finished()]);
      assert.equal((await store.state("raced"))?.rows, 60);
      assert.equal(await counted("raced", HOUR_MS), 60);
      assert.equal(await counted("raced", MINUTE_MS), 60);
    });
  });
}
