import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { testBackends } from "../../core/db/test-support/backends.js";
import { MwError } from "../../core/errors.js";
import { trackingMigrations } from "../migrations.js";
import type { MetricInput } from "../tracking-store.js";
import { SqlTrackingStore } from "./sql-tracking-store.js";

/** Log points in batches of 1,000 (the per-batch limit). */
async function logAll(store: SqlTrackingStore, runId: string, metrics: MetricInput[]): Promise<void> {
  for (let i = 0; i < metrics.length; i += 1000) await store.logBatch(runId, { metrics: metrics.slice(i, i + 1000) });
}

for (const backend of testBackends()) {
  describe(`getMetricHistoryDownsampled (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlTrackingStore;
    let runId: string;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, trackingMigrations);
      let time = 1_700_000_000_000;
      store = new SqlTrackingStore(db, { defaultArtifactRoot: "mlflow-artifacts:", clock: { now: () => ++time } });
      await store.init();
      const exp = await store.createExperiment({ name: "downsample" });
      runId = (await store.createRun({ experimentId: exp })).info.run_id;
      // 10,000 steps of a smooth curve with one spike up and one down that a chart must still show.
      const big: MetricInput[] = [];
      for (let s = 0; s < 10_000; s++) {
        const value = s === 5003 ? 100 : s === 7777 ? -50 : Math.sin(s / 500);
        big.push({ key: "loss", value, timestamp: 1_000 + s, step: s });
      }
      await logAll(store, runId, big);
      await store.logBatch(runId, {
        metrics: [
          { key: "few", value: 3, timestamp: 30, step: 2 },
          { key: "few", value: 1, timestamp: 10, step: 0 },
          { key: "few", value: Number.NaN, timestamp: 15, step: 1 },
          { key: "few", value: 2, timestamp: 20, step: 1 },
        ],
      });
    });
    after(async () => drop());

    test("every point when there are no more than asked, NaN left out", async () => {
      const h = await store.getMetricHistoryDownsampled(runId, "few", 10);
      assert.equal(h.totalPoints, 4);
      assert.equal(h.downsampled, false);
      assert.deepEqual(
        h.points.map((p) => [p.step, p.timestamp, p.value, p.min, p.max]),
        [
          [0, 10, 1, 1, 1],
          [1, 20, 2, 2, 2],
          [2, 30, 3, 3, 3],
        ],
      );
    });

    test("buckets keep their last point, min and max so spikes survive", async () => {
      const h = await store.getMetricHistoryDownsampled(runId, "loss", 100);
      assert.equal(h.totalPoints, 10_000);
      assert.equal(h.downsampled, true);
      assert.equal(h.points.length, 100);
      const first = h.points[0];
      assert.equal(first?.step, 99);
      assert.equal(first?.timestamp, 1_099);
      assert.equal(first?.value, Math.sin(99 / 500));
      assert.equal(first?.min, 0);
      const spike = h.points.find((p) => p.step === 5099);
      assert.equal(spike?.max, 100);
      const dip = h.points.find((p) => p.step === 7799);
      assert.equal(dip?.min, -50);
      assert.deepEqual(
        h.points.map((p) => p.step),
        [...h.points.map((p) => p.step)].sort((a, b) => a - b),
      );
      assert.equal(h.points[h.points.length - 1]?.step, 9_999);
    });

    test("uneven ranges never give more buckets than asked", async () => {
      for (const max of [2, 3, 7, 999, 9_999]) {
        const h = await store.getMetricHistoryDownsampled(runId, "loss", max);
        assert.ok(h.points.length <= max, `${h.points.length} points for max ${max}`);
        assert.ok(h.points.length >= max / 2, `${h.points.length} points for max ${max}`);
        assert.equal(Math.max(...h.points.map((p) => p.max)), 100);
      }
    });

    test("an unknown key is empty; an unknown run is not found", async () => {
      assert.deepEqual(await store.getMetricHistoryDownsampled(runId, "nope", 10), {
        totalPoints: 0,
        downsampled: false,
        points: [],
      });
      await assert.rejects(
        store.getMetricHistoryDownsampled("0".repeat(32), "loss", 10),
        (e) => e instanceof MwError && e.code === "RESOURCE_DOES_NOT_EXIST",
      );
    });
  });
}
