/**
 * One deployment's failing archive or delete does not stop the retention pass for the others: the
 * failure is reported with the deployment, day and archive path, and the next pass tries again.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database, Queryable } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import { SqlDeploymentStore } from "../../deployments/sql/sql-deployment-store.js";
import { servingMigrations } from "../../migrations.js";
import type { PredictionRecord } from "../prediction-log-store.js";
import { DAY_MS } from "../sql/day-partitions.js";
import { SqlPredictionLogStore } from "../sql/sql-prediction-log-store.js";
import type { ArchiveDay } from "./log-retention.js";
import { LogRetention } from "./log-retention.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 1);
const NOW = T0 + 3 * DAY_MS + HOUR;

function rows(deployment: string): PredictionRecord[] {
  // One row an hour for three days.
  return Array.from({ length: 72 }, (_, i) => ({
    deployment,
    requestId: `${deployment}-${i}`,
    row: 0,
    variant: "primary" as const,
    shadow: false,
    modelName: "churn",
    modelVersion: "1",
    inputs: JSON.stringify({ tenure: i }),
    score: 0.5,
    label: "No",
    time: T0 + i * HOUR,
    latencyMs: 1,
  }));
}

for (const backend of testBackends()) {
  describe(`prediction-log retention with failures (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let log: SqlPredictionLogStore;
    let refuse = new Set<string>();
    const archive: ArchiveDay = async (deployment, day) => {
      if (refuse.has(deployment)) throw new Error(`archiving ${deployment} ${day}: connect ECONNREFUSED`);
      return { path: `prediction-logs/${deployment}/${day}.parquet`, rows: 24, bytes: 100 };
    };
    const count = async (deployment: string) => {
      const id = await log.catalog.deploymentId(db, deployment, false);
      const r = await db.get<{ n: number | string }>(
        "SELECT COUNT(*) AS n FROM log_predictions WHERE deployment_id = ?",
        [id as number],
      );
      return Number(r?.n);
    };

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, servingMigrations);
      log = new SqlPredictionLogStore(db);
      const deployments = new SqlDeploymentStore(db, { clock: { now: () => NOW } });
      for (const name of ["a-broken", "b-fine", "c-deletes-fail", "d-fine"]) {
        await deployments.create({ name, primary: "churn/1", logRetentionMs: DAY_MS, archiveLog: name !== "b-fine" });
        await log.appendPredictions(rows(name));
      }
    });
    after(() => drop());

    test("a refused archive and a failed delete are reported; the other deployments are trimmed", async () => {
      refuse = new Set(["a-broken"]);
      const badId = await log.catalog.deploymentId(db, "c-deletes-fail", false);
      // Deletes of one deployment fail (a lock timeout, say); its archives work.
      const upkeep = new Proxy(db, {
        get(target, prop, receiver) {
          if (prop !== "run") return Reflect.get(target, prop, receiver);
          return (sql: string, params?: unknown[]) =>
            sql.startsWith("DELETE") && params?.[0] === badId
              ? Promise.reject(new Error("canceling statement due to lock timeout"))
              : target.run(sql, params as never);
        },
      }) as Queryable;
      const pass = await new LogRetention({
        db,
        upkeep,
        clock: { now: () => NOW },
        archive,
        batchRows: 10,
        pause: async () => {},
      }).runOnce();
      const a = pass.failed.find((f) => f.deployment === "a-broken");
      assert.deepEqual([a?.day, a?.path], [T0, "prediction-logs/a-broken/2026-03-01.parquet"]);
      assert.match(a?.message ?? "", /ECONNREFUSED/);
      const c = pass.failed.find((f) => f.deployment === "c-deletes-fail");
      assert.match(c?.message ?? "", /^deleting the prediction log of c-deletes-fail before .* failed: canceling/);
      assert.equal(pass.failed.length, 2);
      assert.equal(await count("a-broken"), 72, "nothing of an unarchived day goes");
      assert.equal(await count("c-deletes-fail"), 72);
      // 23 hourly rows are newer than a day.
      assert.equal(await count("b-fine"), 23);
      assert.equal(await count("d-fine"), 23);
      assert.deepEqual(
        pass.archived.map((x) => x.deployment),
        ["c-deletes-fail", "c-deletes-fail", "c-deletes-fail", "d-fine", "d-fine", "d-fine"],
      );

      refuse = new Set();
      const next = await new LogRetention({
        db,
        clock: { now: () => NOW },
        archive,
        batchRows: 10,
        pause: async () => {},
      }).runOnce();
      assert.deepEqual(next.failed, []);
      assert.deepEqual(
        next.archived.map((x) => [x.deployment, x.day]),
        [0, 1, 2].map((d) => ["a-broken", T0 + d * DAY_MS]),
      );
      for (const name of ["a-broken", "c-deletes-fail"]) assert.equal(await count(name), 23, name);
    });
  });
}
