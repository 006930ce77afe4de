/**
 * Window buckets follow the log's retention on every backend: a retention pass deletes each
 * deployment's minute and hour buckets (predictions and labels) wholly before its cut-off, in
 * batches, keeps the bucket the cut-off falls in, trims a deleted deployment's at the default
 * retention like its log, and deletes the buckets of deployments without a log.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../../core/db/database.js";
import { migrate } from "../../../../core/db/migrate.js";
import { testBackends } from "../../../../core/db/test-support/backends.js";
import { SqlDeploymentStore } from "../../../../serving/deployments/sql/sql-deployment-store.js";
import { servingMigrations } from "../../../../serving/migrations.js";
import { LogRetention } from "../../../../serving/prediction-log/retention/log-retention.js";
import { SqlPredictionLogStore } from "../../../../serving/prediction-log/sql/sql-prediction-log-store.js";
import { monitoringMigrations } from "../../../migrations.js";
import type { AggregateSpec } from "../aggregate-spec.js";
import { labelBuckets } from "../label-bucket.js";
import { emptyBucket } from "../prediction-bucket.js";
import type { SpanMs } from "../window-store.js";
import { HOUR_MS, MINUTE_MS } from "../window-store.js";
import { SqlBackfillStore } from "./sql-backfill-store.js";
import { SqlWindowRetention } from "./sql-window-retention.js";
import { SqlWindowStore } from "./sql-window-store.js";

const DAY = 86_400_000;
const SPEC: AggregateSpec = { signature: { task: "binary", inputs: [] }, features: [] };
/** Mid-hour, mid-minute. */
const NOW = Date.UTC(2026, 5, 40, 12, 30, 30);

for (const backend of testBackends()) {
  describe(`window buckets follow the log's retention (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let windows: SqlWindowStore;

    /** Minute and hour buckets (predictions and labels, two versions) of `deployment` at `times`. */
    async function buckets(deployment: string, times: number[]): Promise<void> {
      for (const spanMs of [MINUTE_MS, HOUR_MS] as SpanMs[]) {
        const starts = [...new Set(times.map((t) => Math.floor(t / spanMs) * spanMs))];
        for (const start of starts) {
          for (const modelVersion of ["1", "2"]) {
            const key = { deployment, spanMs, start, modelName: "churn", modelVersion };
            await windows.addPredictions([{ key, bucket: emptyBucket(SPEC, 4) }], NOW);
            const [label] = labelBuckets(
              [
                {
                  variant: "primary",
                  shadow: false,
                  modelName: "churn",
                  modelVersion,
                  score: 0.5,
                  label: "",
                  outcome: "1",
                  time: start,
                },
              ],
              4,
              () => 0.5,
            ).values();
            if (label) await windows.putLabels([{ key, bucket: label }], NOW);
          }
        }
      }
    }

    const starts = async (table: string, deployment: string, spanMs: SpanMs) =>
      (
        await db.all<{ t: number | string }>(
          `SELECT DISTINCT bucket_start AS t FROM ${table} WHERE deployment = ? AND span_ms = ? ORDER BY t`,
          [deployment, spanMs],
        )
      ).map((r) => Number(r.t));

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, servingMigrations);
      await migrate(db, monitoringMigrations);
      windows = new SqlWindowStore(db);
    });
    after(() => drop());

    test("a pass deletes the buckets wholly before each deployment's cut-off, in batches", async () => {
      const deployments = new SqlDeploymentStore(db, { clock: { now: () => NOW } });
      await deployments.create({ name: "short", primary: "churn/1", logRetentionMs: 2 * HOUR_MS });
      const log = new SqlPredictionLogStore(db);
      // "gone" was deleted: its log keeps the default retention (30 days), and so do its buckets.
      for (const deployment of ["short", "gone"]) {
        await log.appendPredictions([
          {
            deployment,
            requestId: `${deployment}-1`,
            row: 0,
            variant: "primary",
            shadow: false,
            modelName: "churn",
            modelVersion: "1",
            inputs: "{}",
            score: 0.5,
            label: "",
            time: NOW - 40 * DAY,
            latencyMs: 1,
          },
        ]);
      }
      // Every 10 minutes for the last 4 hours, and two old ones.
      const times = [NOW - 32 * DAY, NOW - 29 * DAY, ...Array.from({ length: 24 }, (_, i) => NOW - i * 10 * MINUTE_MS)];
      await buckets("short", times);
      await buckets("gone", times);
      await buckets("never-logged", times);
      await new SqlBackfillStore(db, windows).begin(NOW, NOW);
      await db.run(
        "INSERT INTO monitor_window_backfill (deployment, until_time, next_time, rows_count, created_time, updated_time) VALUES ('never-logged', 0, 0, 0, 0, 0)",
      );

      let pauses = 0;
      const pass = await new LogRetention({
        db,
        clock: { now: () => NOW },
        pause: async () => {},
        followers: [new SqlWindowRetention(db, { batch: 3, pause: async () => void pauses++ })],
      }).runOnce();
      assert.deepEqual(pass.failed, []);
      assert.ok(pauses > 2, "deleted in batches");

      const cut = NOW - 2 * HOUR_MS;
      for (const table of ["monitor_window_buckets", "monitor_label_buckets"]) {
        const minutes = await starts(table, "short", MINUTE_MS);
        assert.deepEqual(
          minutes,
          times
            .filter((t) => t >= cut - MINUTE_MS + 1)
            .map((t) => Math.floor(t / MINUTE_MS) * MINUTE_MS)
            .sort(),
          table,
        );
        // The hour the cut-off falls in stays (it holds rows still logged).
        const hours = await starts(table, "short", HOUR_MS);
        assert.equal(hours[0], Math.floor(cut / HOUR_MS) * HOUR_MS, table);
        assert.equal(hours.length, 3, table);
        const gone = await starts(table, "gone", HOUR_MS);
        assert.equal(gone[0], Math.floor((NOW - 29 * DAY) / HOUR_MS) * HOUR_MS, `${table}: 30 days for a deleted one`);
        assert.deepEqual(await starts(table, "never-logged", HOUR_MS), []);
        assert.deepEqual(await starts(table, "never-logged", MINUTE_MS), []);
      }
      const backfills = await db.all<{ deployment: string }>(
        "SELECT deployment FROM monitor_window_backfill ORDER BY deployment",
      );
      assert.deepEqual(
        backfills.map((b) => b.deployment),
        ["gone", "short"],
      );
    });
  });
}
