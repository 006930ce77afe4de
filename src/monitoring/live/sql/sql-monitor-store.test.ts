/** The monitor store contract, run on every backend: configs, results over time, one firing alert per rule. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import { isMwError } from "../../../core/errors.js";
import { monitoringMigrations } from "../../migrations.js";
import type { Alert, MonitorConfig, MonitorResult } from "../monitor.js";
import { SqlMonitorStore } from "./sql-monitor-store.js";

function config(deployment: string, time: number, overrides: Partial<MonitorConfig> = {}): MonitorConfig {
  return {
    deployment,
    intervalMs: 300_000,
    window: { kind: "time", ms: 3_600_000 },
    minLabels: 100,
    aucMargin: 0.05,
    logLossMargin: 0.1,
    rmseMargin: 0.2,
    accuracyMargin: 0.05,
    driftShare: 0.5,
    alerts: [{ type: "dataset_drift" }, { type: "feature_drift", feature: "tenure", pipeline: "retrain" }],
    notify: [{ type: "webhook", url: "http://hooks.test/x", secret: "s3cret" }, { type: "log" }],
    createdTime: time,
    updatedTime: time,
    ...overrides,
  };
}

function result(id: string, deployment: string, time: number, overrides: Partial<MonitorResult> = {}): MonitorResult {
  return {
    id,
    deployment,
    modelName: "churn",
    modelVersion: "1",
    time,
    windowStart: time - 1000,
    windowEnd: time,
    rows: 500,
    labelledRows: 120,
    datasetDrift: false,
    shareDrifted: 0.05,
    features: [{ column: "tenure", test: "wasserstein", score: 0.31, threshold: 0.1, drifted: true }],
    reference: "package",
    realizedAuc: 0.84,
    realizedLogLoss: 0.41,
    calibrationError: 0.03,
    trainingAuc: 0.85,
    trainingLogLoss: 0.4,
    conceptDrift: false,
    notes: [],
    ...overrides,
  };
}

function alert(id: string, deployment: string, rule: string, time: number, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    deployment,
    rule,
    status: "firing",
    firstTime: time,
    lastTime: time,
    value: 0.31,
    threshold: 0.1,
    message: "tenure drifted",
    ...overrides,
  };
}

for (const backend of testBackends()) {
  describe(`SqlMonitorStore contract (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlMonitorStore;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, monitoringMigrations);
      store = new SqlMonitorStore(db);
    });
    after(() => drop());

    test("configs: put, get every field, replace keeps the created time, list, mark run, delete", async () => {
      const first = config("prod", 1000);
      assert.deepEqual(await store.putConfig(first), first);
      assert.deepEqual(await store.getConfig("prod"), first);
      assert.equal(await store.getConfig("nope"), undefined);
      const rows = config("prod", 5000, { window: { kind: "rows", rows: 200 }, alerts: [], notify: [] });
      const replaced = await store.putConfig(rows);
      assert.equal(replaced.createdTime, 1000);
      assert.equal(replaced.updatedTime, 5000);
      assert.deepEqual(await store.getConfig("prod"), replaced);
      await store.putConfig(config("alpha", 10));
      assert.deepEqual(
        (await store.listConfigs()).map((c) => c.deployment),
        ["alpha", "prod"],
      );
      // A config stored before the regression and multiclass margins existed reads with their defaults.
      const { rmseMargin: _r, accuracyMargin: _a, deployment: _d, createdTime: _c, updatedTime: _u, ...old } = first;
      await db.run("UPDATE monitor_configs SET config_json = ? WHERE deployment = ?", [JSON.stringify(old), "alpha"]);
      const upgraded = await store.getConfig("alpha");
      assert.equal(upgraded?.rmseMargin, 0.2);
      assert.equal(upgraded?.accuracyMargin, 0.05);
      await store.markRun("prod", 7000);
      assert.equal((await store.getConfig("prod"))?.lastRunTime, 7000);
      // A replaced config keeps its schedule.
      assert.equal((await store.putConfig(config("prod", 8000))).lastRunTime, 7000);
      assert.equal(await store.deleteConfig("alpha"), true);
      assert.equal(await store.deleteConfig("alpha"), false);
      assert.deepEqual(
        (await store.listConfigs()).map((c) => c.deployment),
        ["prod"],
      );
    });

    test("results round-trip with nulls, notes and errors; newest first; filters; latest per version", async () => {
      const full = result("r1", "svc", 100);
      const empty = result("r2", "svc", 200, {
        modelName: undefined,
        modelVersion: undefined,
        rows: 0,
        labelledRows: 0,
        datasetDrift: null,
        shareDrifted: null,
        features: [],
        reference: undefined,
        realizedAuc: null,
        realizedLogLoss: null,
        calibrationError: null,
        trainingAuc: null,
        trainingLogLoss: null,
        conceptDrift: null,
        notes: ["empty window: no predictions"],
        error: "boom",
      });
      delete empty.modelName;
      delete empty.modelVersion;
      delete empty.reference;
      const v2 = result("r3", "svc", 300, {
        modelVersion: "2",
        datasetDrift: true,
        conceptDrift: true,
        realized: { kind: "regression", rmse: 1.5, mae: 1.25, trainingRmse: null },
      });
      const v1later = result("r4", "svc", 400, { realizedAuc: Number.NaN });
      await store.addResults([full, empty, v2, v1later]);
      await store.addResults([]);
      await store.addResults([result("o1", "other", 50)]);
      const all = await store.listResults({ deployment: "svc" });
      assert.deepEqual(
        all.map((r) => r.id),
        ["r4", "r3", "r2", "r1"],
      );
      assert.deepEqual(
        all.find((r) => r.id === "r1"),
        full,
      );
      assert.deepEqual(
        all.find((r) => r.id === "r2"),
        empty,
      );
      assert.equal(all.find((r) => r.id === "r4")?.realizedAuc, null);
      assert.equal(all.find((r) => r.id === "r3")?.datasetDrift, true);
      assert.deepEqual(
        all.find((r) => r.id === "r3"),
        v2,
      );
      assert.deepEqual(
        (await store.listResults({ deployment: "svc", since: 300 })).map((r) => r.id),
        ["r4", "r3"],
      );
      assert.deepEqual(
        (await store.listResults({ deployment: "svc", modelName: "churn", modelVersion: "1" })).map((r) => r.id),
        ["r4", "r1"],
      );
      assert.deepEqual(
        (await store.listResults({ deployment: "svc", limit: 1 })).map((r) => r.id),
        ["r4"],
      );
      assert.deepEqual(
        (await store.latestResults("svc")).map((r) => r.id),
        ["r4", "r3"],
      );
      assert.deepEqual(await store.latestResults("none"), []);
    });

    test("alerts: one firing per rule and deployment; update, resolve, fire again; list filters", async () => {
      const a = alert("a1", "svc", "feature_drift:tenure", 1000, {
        modelName: "churn",
        modelVersion: "1",
        pipeline: "retrain",
      });
      assert.deepEqual(await store.createAlert(a), a);
      assert.deepEqual(await store.firingAlert("svc", "feature_drift:tenure"), a);
      assert.equal(await store.firingAlert("svc", "dataset_drift"), undefined);
      await assert.rejects(
        store.createAlert(alert("a2", "svc", "feature_drift:tenure", 1100)),
        (e: unknown) => isMwError(e) && e.code === "RESOURCE_ALREADY_EXISTS" && /feature_drift:tenure/.test(e.message),
      );
      // Another deployment or another rule fires independently.
      await store.createAlert(alert("b1", "other", "feature_drift:tenure", 1200));
      await store.createAlert(alert("c1", "svc", "dataset_drift", 1300, { value: null, threshold: null }));
      const updated = { ...a, lastTime: 2000, value: 0.4, message: "still drifted", modelVersion: "2" };
      await store.updateAlert(updated);
      assert.deepEqual(await store.firingAlert("svc", "feature_drift:tenure"), updated);
      const resolved: Alert = { ...updated, status: "resolved", resolvedTime: 3000, lastTime: 3000 };
      await store.updateAlert(resolved);
      assert.equal(await store.firingAlert("svc", "feature_drift:tenure"), undefined);
      const again = alert("a3", "svc", "feature_drift:tenure", 4000);
      await store.createAlert(again);
      assert.deepEqual(
        (await store.listAlerts({ deployment: "svc" })).map((x) => x.id),
        ["a3", "c1", "a1"],
      );
      assert.deepEqual(
        (await store.listAlerts({ deployment: "svc", status: "resolved" })).map((x) => x.id),
        ["a1"],
      );
      assert.deepEqual(
        (await store.listAlerts({ status: "firing" })).map((x) => x.id),
        ["a3", "c1", "b1"],
      );
      assert.deepEqual(
        (await store.listAlerts({ limit: 2 })).map((x) => x.id),
        ["a3", "c1"],
      );
      assert.deepEqual((await store.listAlerts({ deployment: "svc", status: "resolved" }))[0], resolved);
      await assert.rejects(
        store.updateAlert(alert("ghost", "svc", "x", 1)),
        (e: unknown) => isMwError(e) && e.code === "RESOURCE_DOES_NOT_EXIST",
      );
    });
  });
}
