import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import { readTableFromBuffer } from "../../../data/read-table.js";
import { type Table, valueAt } from "../../../data/table.js";
import { servingMigrations } from "../../migrations.js";
import type { PredictionRecord } from "../prediction-log-store.js";
import { SqlPredictionLogStore } from "../sql/sql-prediction-log-store.js";
import type { ExportQuery, InputTypes } from "./export-plan.js";
import { planExport } from "./export-plan.js";
import type { ExportFormat } from "./export-sinks.js";
import { exportChunks } from "./log-export.js";

const T = Date.UTC(2025, 0, 1);
const CONTRACTS = ["Month-to-month", "One year", "Two year"];

function record(i: number, more: Partial<PredictionRecord> = {}): PredictionRecord {
  return {
    deployment: "churn",
    requestId: `req-${String(i).padStart(6, "0")}`,
    row: 0,
    variant: "primary",
    shadow: false,
    modelName: "churn",
    modelVersion: i < 6000 ? "1" : "2",
    inputs: JSON.stringify({
      tenure: i % 72,
      Contract: CONTRACTS[i % 3],
      MonthlyCharges: 20 + (i % 100) / 4,
      ...(i >= 6000 ? { Partner: i % 2 === 0 } : {}),
    }),
    score: (i % 10) / 10,
    label: i % 10 >= 5 ? "Yes" : "No",
    time: T + i * 1000,
    latencyMs: 2,
    ...(i % 7 === 0 ? { routingKey: `cust-${i % 700}` } : {}),
    ...more,
  };
}

const TYPES: InputTypes = async (_model, version) =>
  version === "1"
    ? new Map([
        ["tenure", "int"],
        ["Contract", "string"],
        ["MonthlyCharges", "float"],
      ])
    : undefined;

for (const backend of testBackends()) {
  describe(`exporting the log (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlPredictionLogStore;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, servingMigrations);
      store = new SqlPredictionLogStore(db);
      await store.appendPredictions(Array.from({ length: 12_000 }, (_, i) => record(i)));
      await store.appendPredictions([
        record(5, { variant: "candidate", shadow: true, modelVersion: "9", score: 0.99 }),
      ]);
      await store.appendFeedback([
        { id: "f1", deployment: "churn", requestId: "req-000003", row: 0, outcome: "1", time: T + 50_000_000 },
        { id: "f2", deployment: "churn", routingKey: "cust-14", outcome: "0", time: T + 15_000 },
        { id: "f3", deployment: "churn", routingKey: "cust-14", outcome: "1", time: T + 715_000 },
      ]);
    });
    after(() => drop());

    async function exported(query: ExportQuery, format: ExportFormat, types?: InputTypes): Promise<Table> {
      const plan = await planExport(db, store.catalog, query, types);
      const chunks: Uint8Array[] = [];
      const progress = { rows: 0 };
      for await (const c of exportChunks({ q: db, catalog: store.catalog }, plan, format, progress)) chunks.push(c);
      const table = await readTableFromBuffer(Buffer.concat(chunks), { format });
      assert.equal(progress.rows, table.numRows);
      return table;
    }

    const cell = (t: Table, name: string, i: number) =>
      valueAt(t.column(name) as NonNullable<ReturnType<Table["column"]>>, i);

    for (const format of ["parquet", "csv"] as const) {
      test(`${format}: inputs as columns, then the prediction's fields and outcomes`, async () => {
        const t = await exported({ deployment: "churn" }, format, TYPES);
        assert.equal(t.numRows, 12_001);
        assert.deepEqual(
          t.columns.map((c) => c.name),
          [
            "tenure",
            "Contract",
            "MonthlyCharges",
            "Partner",
            "timestamp",
            "request_id",
            "row",
            "variant",
            "model",
            "version",
            "routing_key",
            "score",
            "label",
            "outcome",
          ],
        );
        assert.equal(t.column("tenure")?.type, "int");
        assert.equal(t.column("MonthlyCharges")?.type, "float");
        // CSV readers infer booleans only when told: the text is true/false.
        assert.equal(t.column("Partner")?.type, format === "parquet" ? "bool" : "string");
        assert.equal(t.column("timestamp")?.type, "timestamp");
        assert.deepEqual(
          [cell(t, "tenure", 3), cell(t, "Contract", 3), cell(t, "MonthlyCharges", 3), String(cell(t, "outcome", 3))],
          [3, "Month-to-month", 20.75, "1"],
        );
        assert.equal(cell(t, "timestamp", 3), T + 3000);
        assert.equal(cell(t, "Partner", 3), null);
        // Export row 6002 is record 6001 (the shadow copy of record 5 comes before it).
        assert.equal(cell(t, "Partner", 6002), format === "parquet" ? false : "false");
        // Row 5 has its shadow copy next to it (same request, candidate sorts first).
        assert.deepEqual(
          [cell(t, "variant", 5), String(cell(t, "version", 5)), cell(t, "score", 5)],
          ["shadow", "9", 0.99],
        );
        // cust-14 was scored at 14 s (f2 at 15 s refers to it) and again at 714 s (f3 refers to that one).
        assert.equal(String(cell(t, "outcome", 15)), "0");
        assert.equal(cell(t, "routing_key", 15), "cust-14");
        assert.equal(String(cell(t, "outcome", 715)), "1");
        assert.equal(cell(t, "outcome", 8), null);
      });
    }

    test("a time range and a variant narrow the rows; an unknown deployment exports just a header", async () => {
      const t = await exported({ deployment: "churn", from: T + 100_000, to: T + 200_000, variant: "primary" }, "csv");
      assert.equal(t.numRows, 100);
      assert.equal(cell(t, "request_id", 0), "req-000100");
      const shadow = await exported({ deployment: "churn", variant: "shadow" }, "parquet");
      assert.equal(shadow.numRows, 1);
      const none = await exported({ deployment: "nothing" }, "parquet");
      assert.equal(none.numRows, 0);
      assert.ok(none.column("outcome"));
    });

    test("without signatures, input types come from the values", async () => {
      const t = await exported({ deployment: "churn" }, "parquet");
      assert.equal(t.column("tenure")?.type, "float");
      assert.equal(t.column("Contract")?.type, "string");
      await assert.rejects(planExport(db, store.catalog, { deployment: "churn", from: 10, to: 5 }), /'to'/);
    });
  });
}
