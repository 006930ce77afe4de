import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { systemClock } from "../../core/clock.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { stopTestS3, testBucket } from "../../core/s3/test-support/s3-test-server.js";
import { monitoringMigrations } from "../../monitoring/migrations.js";
import type { Platform } from "../../server/open-platform.js";
import { SqlDeploymentStore } from "../../serving/deployments/sql/sql-deployment-store.js";
import { servingMigrations } from "../../serving/migrations.js";
import { PredictionLogService } from "../../serving/prediction-log/log-service.js";
import { SqlPredictionLogStore } from "../../serving/prediction-log/sql/sql-prediction-log-store.js";
import { S3ArtifactStore } from "../../tracking/artifacts/s3/s3-artifact-store.js";
import { captureIo } from "../test-support/capture-io.js";
import { startLogRetention } from "./log-retention-process.js";

test("an archive the artifact store refuses is reported as a warning naming it, and the log is kept", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-retention-process-"));
  const db = openSqlite(join(dir, "m.db"));
  const b = await testBucket();
  try {
    await migrate(db, servingMigrations);
    await migrate(db, monitoringMigrations);
    await new SqlDeploymentStore(db, { clock: systemClock }).create({
      name: "churn",
      primary: "churn/1",
      logRetentionMs: 3_600_000,
      archiveLog: true,
    });
    const predictions = new SqlPredictionLogStore(db);
    const day = Date.UTC(2026, 0, 2);
    await predictions.appendPredictions(
      Array.from({ length: 5 }, (_, i) => ({
        deployment: "churn",
        requestId: `r-${i}`,
        row: 0,
        variant: "primary" as const,
        shadow: false,
        modelName: "churn",
        modelVersion: "1",
        inputs: JSON.stringify({ tenure: i }),
        score: 0.5,
        label: "No",
        time: day + i,
        latencyMs: 1,
      })),
    );
    const platform = {
      db,
      predictionLog: new PredictionLogService({ db }),
      artifacts: new S3ArtifactStore(b.client, { bucket: `${b.bucket}-gone`, prefix: "" }),
    } as unknown as Platform;
    const io = captureIo(dir);
    const retention = startLogRetention(platform, predictions, io, { everyMs: 5 });
    while (!io.stderr.some((l) => l.includes("prediction log retention failed"))) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await retention.stop();
    const warning = io.stderr.find((l) => l.includes("prediction log retention failed"));
    assert.match(
      warning ?? "",
      /^warning: prediction log retention failed: archiving the prediction log of churn for 2026-01-02 to prediction-logs\/churn\/2026-01-02\.parquet failed: The specified bucket does not exist/,
    );
    const left = await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM log_predictions");
    assert.equal(left?.n, 5);
  } finally {
    await b.close();
    await stopTestS3();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
