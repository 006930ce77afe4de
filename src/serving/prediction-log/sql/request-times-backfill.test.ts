/** Serving migration 7 on a log written before it: client ids get their times, server-made ids need none. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import { servingMigrations } from "../../migrations.js";
import { newRequestId } from "../../scoring/request-id.js";
import type { PredictionRecord } from "../prediction-log-store.js";
import { SqlPredictionLogStore } from "./sql-prediction-log-store.js";

const T = Date.UTC(2026, 0, 5, 12);

function record(requestId: string, time: number): PredictionRecord {
  return {
    deployment: "old",
    requestId,
    row: 0,
    variant: "primary",
    shadow: false,
    modelName: "churn",
    modelVersion: "1",
    inputs: '{"tenure":3}',
    score: 0.5,
    label: "No",
    time,
    latencyMs: 1,
  };
}

for (const backend of testBackends()) {
  describe(`serving migration 7: request times of an older log (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(
        db,
        servingMigrations.filter((m) => m.version <= 6),
      );
    });
    after(() => drop());

    test("rows for every id that does not carry its time, over several days; feedback then finds them", async () => {
      const made = newRequestId(T);
      const store = new SqlPredictionLogStore(db);
      await store.appendPredictions([
        record(made, T),
        record("trace-1", T + 1),
        record("trace-2", T + 86_400_000),
        // A 15-character token whose sixth character would read as version 7 in the byte layout.
        record("abcdepqrstuvwxy", T + 2),
      ]);
      // As an older version left it: no request times at all.
      await db.run("DROP TABLE log_request_times");
      await migrate(db, servingMigrations);
      const rows = await db.all<{ time: number | string }>("SELECT time FROM log_request_times ORDER BY time");
      assert.deepEqual(
        rows.map((r) => Number(r.time)),
        [T + 1, T + 2, T + 86_400_000],
      );
      const fb = (requestId: string) => ({
        id: "f",
        deployment: "old",
        outcome: "Yes",
        time: T + 2e8,
        requestId,
        row: 0,
      });
      const found = await new SqlPredictionLogStore(db).feedbackTargetTimes(
        [made, "trace-1", "trace-2", "abcdepqrstuvwxy"].map(fb),
      );
      assert.deepEqual(found, [T, T + 1, T + 86_400_000, T + 2]);
    });
  });
}
