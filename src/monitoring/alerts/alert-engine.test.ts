/**
 * Alerts over a sequence of runs: fire once while the condition holds (deduplicated, notified
 * once), resolve when it clears (notified once), stay as they are when a run cannot tell; webhook
 * bodies are signed and verified by a local capture server; Slack and log notifiers.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { OutboundPolicy } from "../../auth/outbound-policy.js";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import type { CaptureServer } from "../../core/test-support/capture-server.js";
import { captureServer, deadUrl } from "../../core/test-support/capture-server.js";
import type { FeatureDrift, MonitorConfig, MonitorResult } from "../live/monitor.js";
import { SqlMonitorStore } from "../live/sql/sql-monitor-store.js";
import { monitoringMigrations } from "../migrations.js";
import type { AlertEngineDeps } from "./alert-engine.js";
import { evaluateAlerts } from "./alert-engine.js";
import type { ErrorRateReading } from "./alert-rules.js";
import type { AlertPayload } from "./notifiers.js";
import { notifierFor, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./notifiers.js";
import { signBody, verifySignature } from "./signature.js";

const SECRET = "s3cret-key";
/** The capture servers listen on loopback, which is refused unless listed. */
const outbound = OutboundPolicy.parse(["127.0.0.1"]);

function tenure(score: number): FeatureDrift {
  return { column: "tenure", test: "wasserstein", score, threshold: 0.1, drifted: score >= 0.1 };
}

function result(features: FeatureDrift[], overrides: Partial<MonitorResult> = {}): MonitorResult {
  const drifted = features.filter((f) => f.drifted).length;
  return {
    id: `r${Math.random()}`,
    deployment: "prod",
    modelName: "churn",
    modelVersion: "3",
    time: 0,
    windowStart: 0,
    windowEnd: 1,
    rows: 500,
    labelledRows: 0,
    datasetDrift: features.length > 0 ? drifted / features.length >= 0.5 : null,
    shareDrifted: features.length > 0 ? drifted / features.length : null,
    features,
    realizedAuc: null,
    realizedLogLoss: null,
    calibrationError: null,
    trainingAuc: 0.85,
    trainingLogLoss: 0.4,
    conceptDrift: null,
    notes: [],
    ...overrides,
  };
}

describe("alert engine", () => {
  let db: Database;
  let store: SqlMonitorStore;
  let hook: CaptureServer;
  let time: number;
  let warnings: string[];
  let lines: string[];
  let config: MonitorConfig;

  const deps = (): AlertEngineDeps => ({
    store,
    clock: { now: () => time },
    notifiers: (c) =>
      c.notify.map((spec) => notifierFor(spec, { log: (l) => lines.push(l), now: () => time, outbound })),
    warn: (m) => warnings.push(m),
  });
  const evaluate = (results: MonitorResult[], errorRate?: ErrorRateReading) => {
    time += 60_000;
    return evaluateAlerts(config, results, errorRate, deps());
  };
  const payloads = () => hook.requests.map((r) => JSON.parse(r.body) as AlertPayload);

  before(async () => {
    db = openSqlite(":memory:");
    await migrate(db, monitoringMigrations);
    store = new SqlMonitorStore(db);
    hook = await captureServer();
  });
  after(async () => {
    await hook.close();
    await db.close();
  });
  beforeEach(async () => {
    await db.run("DELETE FROM monitor_alerts");
    hook.requests.length = 0;
    time = 1_700_000_000_000;
    warnings = [];
    lines = [];
    config = {
      deployment: "prod",
      intervalMs: 60_000,
      window: { kind: "time", ms: 3_600_000 },
      minLabels: 100,
      aucMargin: 0.05,
      logLossMargin: 0.1,
      rmseMargin: 0.2,
      accuracyMargin: 0.05,
      driftShare: 0.5,
      alerts: [{ type: "feature_drift", feature: "tenure", pipeline: "retrain" }],
      notify: [{ type: "webhook", url: `${hook.url}/alerts?token=abc`, secret: SECRET }, { type: "log" }],
      createdTime: 0,
      updatedTime: 0,
    };
  });

  test("fires once while the condition holds, resolves once when it clears; each notified once, signed", async () => {
    const fired = await evaluate([result([tenure(0.6)])]);
    assert.equal(fired.changes.length, 1);
    assert.equal(fired.changes[0]?.change, "fired");
    const alert = fired.changes[0]?.alert;
    assert.equal(alert?.rule, "feature_drift:tenure");
    assert.equal(alert?.pipeline, "retrain");
    assert.equal(alert?.value, 0.6);
    assert.match(alert?.message ?? "", /tenure.*drifted.*churn\/3/);
    // Still drifted twice more: no new alert, no notification, the evidence is updated.
    for (const score of [0.7, 0.8]) assert.deepEqual((await evaluate([result([tenure(score)])])).changes, []);
    const firing = await store.listAlerts({ deployment: "prod" });
    assert.equal(firing.length, 1);
    assert.equal(firing[0]?.value, 0.8);
    assert.equal(firing[0]?.firstTime, alert?.firstTime);
    assert.equal(firing[0]?.lastTime, time);
    // A run that cannot tell (no rows) changes nothing.
    const blind = await evaluate([result([], { rows: 0, modelName: undefined, modelVersion: undefined })]);
    assert.deepEqual(blind.changes, []);
    assert.equal(blind.firing.length, 1);
    // It clears.
    const cleared = await evaluate([result([tenure(0.02)])]);
    assert.deepEqual(
      cleared.changes.map((c) => [c.change, c.alert.status, c.alert.resolvedTime === time]),
      [["resolved", "resolved", true]],
    );
    assert.deepEqual((await evaluate([result([tenure(0.01)])])).changes, []);
    // Exactly two webhook calls, both verifiable with the secret over the raw body.
    assert.equal(hook.requests.length, 2);
    for (const req of hook.requests) {
      assert.equal(req.url, "/alerts?token=abc");
      assert.equal(req.headers["content-type"], "application/json");
      const sig = req.headers[SIGNATURE_HEADER.toLowerCase()] as string;
      assert.match(sig, /^sha256=[0-9a-f]{64}$/);
      assert.equal(sig, signBody(SECRET, req.body));
      assert.ok(verifySignature(SECRET, req.body, sig));
      assert.ok(!verifySignature("wrong", req.body, sig));
      assert.ok(!verifySignature(SECRET, `${req.body} `, sig));
      assert.match(req.headers[TIMESTAMP_HEADER.toLowerCase()] as string, /^\d{10}$/);
    }
    const [first, second] = payloads();
    assert.deepEqual(
      [first?.kind, first?.status, first?.alert.rule, first?.alert.status, first?.alert.pipeline],
      ["modelworks.alert", "firing", "feature_drift:tenure", "firing", "retrain"],
    );
    assert.equal(first?.alert.model, "churn");
    assert.deepEqual([second?.status, second?.alert.id], ["resolved", first?.alert.id]);
    assert.equal(typeof second?.alert.resolved_time, "number");
    // The log notifier wrote one line per change.
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? "", /^alert firing: deployment prod rule feature_drift:tenure value 0\.6 threshold 0\.1/);
    assert.match(lines[1] ?? "", /^alert resolved: /);
    // Drifting again opens a new alert.
    const again = await evaluate([result([tenure(0.5)])]);
    assert.equal(again.changes[0]?.change, "fired");
    assert.notEqual(again.changes[0]?.alert.id, first?.alert.id);
    assert.equal((await store.listAlerts({ deployment: "prod" })).length, 2);
    assert.deepEqual(warnings, []);
  });

  test("every rule: dataset drift, performance drop, error rate; unknown conditions leave alerts alone", async () => {
    config.alerts = [{ type: "dataset_drift" }, { type: "performance_drop" }, { type: "error_rate", max: 0.02 }];
    config.notify = [];
    const drifted = result([tenure(0.6), { ...tenure(0.5), column: "MonthlyCharges" }], {
      realizedAuc: 0.7,
      labelledRows: 300,
      conceptDrift: true,
    });
    const r1 = await evaluate([drifted], { rate: 0.05, requests: 200, errors: 10 });
    assert.deepEqual(r1.changes.map((c) => c.alert.rule).sort(), ["dataset_drift", "error_rate", "performance_drop"]);
    const byRule = new Map(r1.changes.map((c) => [c.alert.rule, c.alert]));
    assert.equal(byRule.get("dataset_drift")?.value, 1);
    assert.equal(byRule.get("dataset_drift")?.threshold, 0.5);
    assert.equal(byRule.get("performance_drop")?.value, 0.7);
    assert.ok(Math.abs((byRule.get("performance_drop")?.threshold as number) - 0.8) < 1e-12);
    assert.match(byRule.get("error_rate")?.message ?? "", /5% of requests failed with 5xx \(10 of 200\)/);
    // Too few labels and no error-rate reading: those alerts stay firing; dataset drift clears.
    const r2 = await evaluate([result([tenure(0.01), { ...tenure(0.01), column: "MonthlyCharges" }])]);
    assert.deepEqual(
      r2.changes.map((c) => [c.change, c.alert.rule]),
      [["resolved", "dataset_drift"]],
    );
    assert.deepEqual(r2.firing.map((a) => a.rule).sort(), ["error_rate", "performance_drop"]);
    const r3 = await evaluate([result([], { realizedAuc: 0.84, labelledRows: 300, conceptDrift: false })], {
      rate: 0.01,
      requests: 100,
      errors: 1,
    });
    assert.deepEqual(r3.changes.map((c) => c.alert.rule).sort(), ["error_rate", "performance_drop"]);
    assert.deepEqual(await store.listAlerts({ status: "firing" }), []);
  });

  test("a rule removed from the config resolves its alert; notification failures are warnings, not errors", async () => {
    config.notify = [{ type: "webhook", url: await deadUrl() }];
    await evaluate([result([tenure(0.6)])]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /alert notification \(feature_drift:tenure firing\) failed: 127\.0\.0\.1:\d+/);
    config.alerts = [];
    const r = await evaluate([result([tenure(0.6)])]);
    assert.deepEqual(
      r.changes.map((c) => [c.change, c.alert.rule]),
      [["resolved", "feature_drift:tenure"]],
    );
    assert.match(r.changes[0]?.alert.message ?? "", /removed from the monitor/);
  });

  test("Slack notifier: text and blocks; unsigned webhooks carry no signature header", async () => {
    const slack = notifierFor(
      { type: "slack", url: `${hook.url}/slack` },
      { log: () => {}, now: () => time, outbound },
    );
    const plain = notifierFor(
      { type: "webhook", url: `${hook.url}/plain` },
      { log: () => {}, now: () => time, outbound },
    );
    const alert = {
      id: "a1",
      deployment: "prod",
      rule: "dataset_drift",
      status: "firing" as const,
      firstTime: time,
      lastTime: time,
      value: 0.6,
      threshold: 0.5,
      message: "60% of features drifted",
      modelName: "churn",
      modelVersion: "3",
    };
    assert.deepEqual(await slack.notify({ status: "firing", alert }), { ok: true });
    assert.deepEqual(await plain.notify({ status: "firing", alert }), { ok: true });
    const [s, p] = hook.requests;
    const msg = JSON.parse(s?.body ?? "{}") as { text: string; blocks: { type: string }[] };
    assert.match(msg.text, /Alert firing: dataset_drift on prod: 60% of features drifted/);
    assert.deepEqual(
      msg.blocks.map((b) => b.type),
      ["header", "section", "section"],
    );
    assert.equal(p?.headers[SIGNATURE_HEADER.toLowerCase()], undefined);
    assert.equal((JSON.parse(p?.body ?? "{}") as AlertPayload).alert.value, 0.6);
  });
});
