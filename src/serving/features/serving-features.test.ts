/**
 * A deployment with a feature service: requests carry the entity key and request-time inputs, the
 * server completes them from the online store, scores, and logs the values it read.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { systemClock } from "../../core/clock.js";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import type { FeatureDefinitions } from "../../features/definitions/feature-spec.js";
import { planOnline } from "../../features/online/online-features.js";
import type { OnlineStore } from "../../features/online/online-store.js";
import { openSqliteOnlineStore } from "../../features/online/sqlite/sqlite-online-store.js";
import type { Predictor } from "../../learn/package/load-model.js";
import { predictorFor } from "../../learn/package/load-model.js";
import { fitTelcoPackage, telcoRecord } from "../../learn/test-support/telco-models.js";
import type { DeploymentFeatures } from "../deployments/deployment.js";
import { ServingMetrics } from "../metrics/serving-metrics.js";
import { servingMigrations } from "../migrations.js";
import { PredictionLogger } from "../prediction-log/prediction-logger.js";
import { SqlPredictionLogStore } from "../prediction-log/sql/sql-prediction-log-store.js";
import { DeploymentRuntime } from "../runtime/deployment-runtime.js";
import { buildServingApp } from "../serving-app.js";
import { singleTarget } from "../serving-targets.js";
import { deploymentOf, memorySource } from "../test-support/static-runtime.js";
import { featureLookupFactory } from "./feature-lookup.js";

const FEATURES = ["tenure", "MonthlyCharges", "Contract"];
const DEFS: FeatureDefinitions = {
  entities: [{ name: "customer", join_keys: [{ name: "customerID", type: "string" }] }],
  sources: [{ name: "src", dataset: "telco", timestamp_field: "ts" }],
  feature_views: [
    {
      name: "account",
      entities: ["customer"],
      source: "src",
      features: [
        { name: "tenure", type: "int" },
        { name: "MonthlyCharges", type: "float" },
        { name: "Contract", type: "string" },
      ],
      ttl_ms: 0,
      online: true,
    },
  ],
  feature_services: [{ name: "churn", features: ["account"] }],
};

let telco: Table;
let model: { name: string; version: string; predictor: Predictor };
let store: OnlineStore;
let db: Database;
let records: Record<string, unknown>[];

before(async () => {
  telco = await readTable(TELCO_CSV);
  model = { name: "churn", version: "1", predictor: predictorFor(await fitTelcoPackage(telco, 20)) };
  records = Array.from({ length: 5 }, (_, r) => telcoRecord(telco, r));
  store = openSqliteOnlineStore(":memory:");
  await store.write(
    "account",
    records.slice(0, 4).map((r) => ({
      key: JSON.stringify([r.customerID]),
      eventTime: 1000,
      createdTime: 0,
      values: Object.fromEntries(FEATURES.map((f) => [f, r[f]])),
    })),
    1000,
  );
  db = openSqlite(":memory:");
  await migrate(db, servingMigrations);
});
after(async () => {
  await store.close();
  await db.close();
});

async function appFor(features: DeploymentFeatures, logger?: PredictionLogger) {
  const runtime = new DeploymentRuntime("churn-features", {
    source: async () => deploymentOf({ name: "churn-features", primary: "churn/1", features }),
    loader: memorySource([model]),
    clock: systemClock,
    features: featureLookupFactory({ plan: async (sel) => planOnline(DEFS, sel), store, clock: systemClock }),
  });
  await runtime.start();
  return buildServingApp({
    targets: singleTarget(runtime),
    version: "test",
    clock: systemClock,
    metrics: new ServingMetrics(),
    log: (line: string) => console.error(line),
    ...(logger ? { logger } : {}),
  });
}

const requestOf = (r: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(r).filter(([k]) => !FEATURES.includes(k)));
const invoke = (app: FastifyInstance, rows: Record<string, unknown>[]) =>
  app.inject({ method: "POST", url: "/invocations", payload: { dataframe_records: rows } });

test("the request carries the key and request-time inputs; the answer equals scoring the full rows", async () => {
  const store2 = new SqlPredictionLogStore(db);
  const logger = new PredictionLogger(store2, { flushIntervalMs: 10 });
  const app = await appFor({ service: "churn", missing: "fail" }, logger);
  const res = await invoke(app, records.slice(0, 3).map(requestOf));
  assert.equal(res.statusCode, 200, res.body);
  const got = (res.json().predictions as { probability: number }[]).map((p) => p.probability);
  const want = Array.from(model.predictor.predict(telco.take([0, 1, 2])));
  for (const [i, p] of got.entries())
    assert.ok(Math.abs(p - (want[i] as number)) < 1e-12, `row ${i}: ${p} vs ${want[i]}`);
  await logger.close();
  const logged = await store2.listPredictions({ deployment: "churn-features" });
  assert.equal(logged.length, 3);
  const inputs = JSON.parse(logged[1]?.inputs as string);
  assert.deepEqual(
    FEATURES.map((f) => inputs[f]),
    FEATURES.map((f) => records[1]?.[f]),
    "the prediction log has the features read from the store",
  );
});

test("a feature not in the store: 400 naming it under 'fail', null to the model under 'null'", async () => {
  const strict = await appFor({ service: "churn", missing: "fail" });
  const res = await invoke(strict, [requestOf(records[4] as Record<string, unknown>)]);
  assert.equal(res.statusCode, 400, res.body);
  assert.match(
    res.json().message,
    /Feature 'tenure' of service 'churn' is not in the online store \(NOT_FOUND\) for customerID=/,
  );
  const lenient = await appFor({ service: "churn", missing: "null" });
  const ok = await invoke(lenient, [requestOf(records[4] as Record<string, unknown>)]);
  assert.equal(ok.statusCode, 200, ok.body);
  const noKey = await invoke(lenient, [{ ...requestOf(records[0] as Record<string, unknown>), customerID: undefined }]);
  assert.equal(noKey.statusCode, 400);
  assert.match(noKey.json().message, /customerID/);
});

test("an unknown feature service keeps the deployment from loading, with the reason", async () => {
  await assert.rejects(appFor({ service: "ghost", missing: "fail" }), /Unknown feature service 'ghost'/);
});
