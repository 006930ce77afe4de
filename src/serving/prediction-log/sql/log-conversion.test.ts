import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import { servingMigrations } from "../../migrations.js";
import { SqlPredictionLogStore } from "./sql-prediction-log-store.js";

const T = 1_700_000_000_000;
const OLD_COLUMNS =
  "deployment, request_id, row_index, variant, shadow, model_name, model_version, routing_key, inputs_json, score, label, time, latency_ms";

for (const backend of testBackends()) {
  describe(`converting a JSON-layout log (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, servingMigrations.slice(0, 2));
      const rows = Array.from({ length: 12_000 }, (_, i) => [
        i % 3 === 0 ? "other" : "churn",
        `req-${Math.floor(i / 4)}`,
        i % 4,
        i % 8 === 7 ? "candidate" : "primary",
        0,
        "churn",
        i % 8 === 7 ? "2" : "1",
        i % 5 === 0 ? `cust-${i % 50}` : null,
        JSON.stringify({ tenure: i % 72, Contract: i % 2 ? "One year" : "Month-to-month", MonthlyCharges: 20.05 + i }),
        i % 11 === 0 ? null : (i % 100) / 100,
        i % 2 ? "Yes" : "No",
        T + i,
        1.5,
      ]);
      for (let at = 0; at < rows.length; at += 1000) {
        await db.insertMany("prediction_log", OLD_COLUMNS.split(", "), rows.slice(at, at + 1000));
      }
      await db.insertMany(
        "feedback",
        ["id", "deployment", "request_id", "row_index", "routing_key", "outcome", "time"],
        [
          ["f1", "churn", "req-1", 1, null, "1", T + 100_000],
          ["f2", "churn", null, null, "cust-5", "0", T + 100_000],
          ["f3", "churn", "req-2", null, null, "1", T + 100_001],
        ],
      );
    });
    after(() => drop());

    test("every row and outcome is in the compact tables afterwards, and the old tables are gone", async () => {
      const store = new SqlPredictionLogStore(db);
      const expected = await db.all<Record<string, unknown>>(
        `SELECT ${OLD_COLUMNS} FROM prediction_log WHERE deployment = 'churn' ORDER BY time, request_id, row_index, variant`,
      );
      await migrate(db, servingMigrations);
      const got = await store.listPredictions({ deployment: "churn", limit: 100_000 });
      assert.equal(got.length, expected.length);
      assert.equal(await store.countPredictions("other"), 4000);
      got.forEach((r, i) => {
        const e = expected[i] as Record<string, unknown>;
        assert.equal(r.requestId, e.request_id);
        assert.equal(r.row, Number(e.row_index));
        assert.equal(r.variant, e.variant);
        assert.equal(r.modelVersion, e.model_version);
        assert.equal(r.routingKey, e.routing_key ?? undefined);
        assert.deepEqual(JSON.parse(r.inputs), JSON.parse(e.inputs_json as string));
        assert.equal(r.score, e.score === null ? Number.NaN : Number(e.score));
        assert.equal(r.label, e.label);
        assert.equal(r.time, Number(e.time));
      });
      const feedback = await store.listFeedback({ deployment: "churn" });
      assert.deepEqual(
        feedback.map((f) => f.id),
        ["f1", "f2", "f3"],
      );
      const labeled = await store.listLabeledScores({ deployment: "churn", since: T });
      assert.equal(labeled.length, 3);
      await assert.rejects(db.all("SELECT 1 FROM prediction_log"));
      await assert.rejects(db.all("SELECT 1 FROM feedback"));
    });
  });
}
