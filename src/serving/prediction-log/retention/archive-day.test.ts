/** Retention on an embedded file as `up` runs it: deletes on the log writer's thread, archives exported to the artifact store. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { migrate } from "../../../core/db/migrate.js";
import { openSqlite } from "../../../core/db/sqlite/sqlite-database.js";
import { readTableFromBuffer } from "../../../data/read-table.js";
import { LocalArtifactStore } from "../../../tracking/artifacts/local/local-artifact-store.js";
import { SqlDeploymentStore } from "../../deployments/sql/sql-deployment-store.js";
import { servingMigrations } from "../../migrations.js";
import { PredictionLogService } from "../log-service.js";
import { DAY_MS } from "../sql/day-partitions.js";
import { SqlPredictionLogStore } from "../sql/sql-prediction-log-store.js";
import { SqliteWorkerPredictionLogStore } from "../sqlite-worker/sqlite-worker-prediction-log-store.js";
import { archivePath, archiveToArtifacts } from "./archive-day.js";
import { LogRetention } from "./log-retention.js";

const T0 = Date.UTC(2026, 4, 1);

test("closed days are archived as Parquet before the writer thread deletes them", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-retention-"));
  const path = join(dir, "m.db");
  const db = openSqlite(path);
  const now = T0 + 2 * DAY_MS + 60_000;
  const clock = { now: () => now };
  const writer = new SqliteWorkerPredictionLogStore(path, new SqlPredictionLogStore(db));
  try {
    await migrate(db, servingMigrations);
    await new SqlDeploymentStore(db, { clock }).create({
      name: "churn",
      primary: "churn/1",
      logRetentionMs: 3_600_000,
      archiveLog: true,
    });
    // 500 rows on each of days 0 and 1, 10 rows in the first minute of day 2.
    const times = [
      ...Array.from({ length: 1000 }, (_, i) => T0 + Math.floor(i / 500) * DAY_MS + i),
      ...Array.from({ length: 10 }, (_, i) => T0 + 2 * DAY_MS + i),
    ];
    await writer.appendPredictions(
      times.map((time, i) => ({
        deployment: "churn",
        requestId: `r-${i}`,
        row: 0,
        variant: "primary" as const,
        shadow: false,
        modelName: "churn",
        modelVersion: "1",
        inputs: JSON.stringify({ tenure: i % 72, Contract: i % 2 ? "One year" : "Month-to-month" }),
        score: 0.25,
        label: "No",
        time,
        latencyMs: 1,
      })),
    );
    const artifacts = new LocalArtifactStore(join(dir, "artifacts"));
    const log = new PredictionLogService({ db, exportStore: { sqlite: path } });
    const retention = new LogRetention({
      db,
      upkeep: writer.upkeepConnection(),
      clock,
      archive: archiveToArtifacts(log, artifacts),
      batchRows: 100,
    });
    const pass = await retention.runOnce();
    assert.deepEqual(
      pass.archived.map((a) => a.path),
      [archivePath("churn", T0), archivePath("churn", T0 + DAY_MS)],
    );
    assert.equal(archivePath("churn", T0), "prediction-logs/churn/2026-05-01.parquet");
    const day1 = await readTableFromBuffer(readFileSync(join(dir, "artifacts", archivePath("churn", T0 + DAY_MS))), {
      format: "parquet",
    });
    assert.equal(day1.numRows, 500);
    assert.ok(day1.column("Contract"));
    // Day 2 is open: not archived, and within the hour's retention.
    assert.equal(pass.deleted, 1000);
    const left = await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM log_predictions");
    assert.equal(left?.n, 10);
    const stored = await db.all<{ rows_count: number }>("SELECT rows_count FROM log_archives ORDER BY day");
    assert.deepEqual(
      stored.map((r) => r.rows_count),
      [500, 500],
    );
  } finally {
    await writer.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
