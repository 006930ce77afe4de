import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import { SqlDeploymentStore } from "../../deployments/sql/sql-deployment-store.js";
import { servingMigrations } from "../../migrations.js";
import type { PredictionRecord } from "../prediction-log-store.js";
import { DAY_MS, partitionDays } from "../sql/day-partitions.js";
import { SqlPredictionLogStore } from "../sql/sql-prediction-log-store.js";
import type { ArchiveDay } from "./log-retention.js";
import { LogRetention } from "./log-retention.js";

const HOUR = 3_600_000;
/** Day 0 of the log; "now" is an hour into day 5. */
const T0 = Date.UTC(2026, 2, 1);
const NOW = T0 + 5 * DAY_MS + HOUR;

function rows(deployment: string): PredictionRecord[] {
  // Three rows an hour for five days; every other hour's first row has a routing key.
  return Array.from({ length: 5 * 24 * 3 }, (_, i) => ({
    deployment,
    requestId: `${deployment}-${Math.floor(i / 3)}`,
    row: i % 3,
    variant: "primary" as const,
    shadow: false,
    modelName: "churn",
    modelVersion: "1",
    inputs: JSON.stringify({ tenure: i % 72 }),
    score: 0.5,
    label: "No",
    time: T0 + Math.floor(i / 3) * HOUR,
    latencyMs: 1,
    ...(i % 6 === 0 ? { routingKey: `k-${i % 60}` } : {}),
  }));
}

for (const backend of testBackends()) {
  describe(`prediction-log retention (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let log: SqlPredictionLogStore;
    let deployments: SqlDeploymentStore;
    const archived: [string, number][] = [];
    const archive: ArchiveDay = async (deployment, day) => {
      archived.push([deployment, day]);
      return { path: `prediction-logs/${deployment}/${day}.parquet`, rows: 72, bytes: 100 };
    };
    const clock = { now: () => NOW };
    const retention = (withArchive: boolean) =>
      new LogRetention({
        db,
        clock,
        batchRows: 25,
        pause: async () => {},
        ...(withArchive ? { archive } : {}),
      });
    const count = async (table: string, deployment: string, since = 0) => {
      const id = await log.catalog.deploymentId(db, deployment, false);
      const r = await db.get<{ n: number | string }>(
        `SELECT COUNT(*) AS n FROM ${table} WHERE deployment_id = ? AND time >= ?`,
        [id as number, since],
      );
      return Number(r?.n);
    };

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, servingMigrations);
      log = new SqlPredictionLogStore(db);
      deployments = new SqlDeploymentStore(db, { clock });
      await deployments.create({ name: "short", primary: "churn/1", logRetentionMs: DAY_MS });
      await deployments.create({ name: "long", primary: "churn/1" });
      await deployments.create({ name: "arch", primary: "churn/1", logRetentionMs: DAY_MS, archiveLog: true });
      for (const name of ["short", "long", "arch", "gone"]) {
        await log.appendPredictions(rows(name));
        await log.appendFeedback(
          Array.from({ length: 10 }, (_, k) => ({
            id: `${name}-f${k}`,
            deployment: name,
            requestId: `${name}-${k * 12}`,
            row: 0,
            outcome: "1",
            time: T0 + k * 12 * HOUR,
          })),
        );
      }
    });
    after(() => drop());

    test("rows and feedback past each deployment's retention go in batches; archiving ones keep unarchived days", async () => {
      const pass = await retention(false).runOnce();
      const cutoff = NOW - DAY_MS;
      // 23 hours of 3 rows are newer than a day.
      assert.equal(await count("log_predictions", "short"), 69);
      assert.equal(await count("log_predictions", "short", cutoff), 69);
      assert.equal(await count("log_feedback", "short"), 1);
      assert.equal(await count("log_keys", "short", 0), await count("log_keys", "short", cutoff));
      assert.equal(await count("log_predictions", "long"), 360, "30 days keep everything");
      assert.equal(await count("log_predictions", "gone"), 360, "a deleted deployment's log keeps the default");
      assert.equal(await count("log_predictions", "arch"), 360, "nothing archived yet: nothing deleted");
      assert.equal(pass.deleted, 360 - 69);
      assert.deepEqual(pass.archived, []);
    });

    test("with archiving, each closed day is exported once, then retention deletes it", async () => {
      const first = await retention(true).runOnce();
      assert.deepEqual(
        archived,
        [0, 1, 2, 3, 4].map((d) => ["arch", T0 + d * DAY_MS]),
      );
      assert.equal(first.archived.length, 5);
      assert.equal(await count("log_predictions", "arch"), 69);
      const again = await retention(true).runOnce();
      assert.deepEqual(again.archived, [], "archived days are not exported again");
      assert.equal(again.deleted, 0);
      const stored = await db.all<{ path: string }>("SELECT path FROM log_archives ORDER BY day");
      assert.equal(stored.length, 5);
      assert.equal(stored[0]?.path, `prediction-logs/arch/${T0}.parquet`);
    });

    test("when every log is due, whole days go (day partitions on PostgreSQL)", async () => {
      await deployments.update("long", { logRetentionMs: DAY_MS });
      // A deployment of the deleted one's name, made again with a short retention.
      await deployments.create({ name: "gone", primary: "churn/1", logRetentionMs: DAY_MS });
      const pass = await retention(true).runOnce();
      for (const name of ["short", "long", "arch", "gone"])
        assert.equal(await count("log_predictions", name), 69, name);
      if (db.dialect.name === "postgres") {
        assert.deepEqual(
          pass.droppedDays,
          [0, 1, 2, 3].map((d) => T0 + d * DAY_MS),
        );
        const days = await partitionDays(db, "log_predictions");
        assert.equal(days[0], T0 + 4 * DAY_MS);
      } else assert.deepEqual(pass.droppedDays, []);
    });
  });
}
