import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import type { Database } from "../core/db/database.js";
import { migrate } from "../core/db/migrate.js";
import { openSqlite } from "../core/db/sqlite/sqlite-database.js";
import { TELCO_CSV } from "../core/test-support/shared-data.js";
import { readTable } from "../data/read-table.js";
import type { Table } from "../data/table.js";
import type { Predictor } from "../learn/package/load-model.js";
import { predictorFor } from "../learn/package/load-model.js";
import { fitTelcoPackage, telcoRecord } from "../learn/test-support/telco-models.js";
import type { Deployment } from "./deployments/deployment.js";
import { servingMigrations } from "./migrations.js";
import { PredictionLogger } from "./prediction-log/prediction-logger.js";
import { SqlPredictionLogStore } from "./prediction-log/sql/sql-prediction-log-store.js";
import { bucketOf } from "./routing/traffic-split.js";
import type { TestModel } from "./test-support/static-runtime.js";
import { deploymentOf, testServingApp } from "./test-support/static-runtime.js";

let telco: Table;
type NativeTestModel = TestModel & { predictor: Predictor };
let primary: NativeTestModel;
let candidate: NativeTestModel;
let records: Record<string, unknown>[];
let db: Database;

before(async () => {
  telco = await readTable(TELCO_CSV);
  primary = { name: "churn", version: "1", predictor: predictorFor(await fitTelcoPackage(telco, 20)) };
  candidate = { name: "churn", version: "2", predictor: predictorFor(await fitTelcoPackage(telco, 0, "linear")) };
  records = Array.from({ length: 60 }, (_, r) => telcoRecord(telco, r));
  db = openSqlite(":memory:");
  await migrate(db, servingMigrations);
});
after(() => db.close());

const base = (fields: Partial<Deployment> = {}) =>
  deploymentOf({ name: "churn-prod", primary: "churn@champion", candidate: "churn/2", ...fields });
const aliases = { "churn@champion": "1" };

function invoke(app: FastifyInstance, rows: Record<string, unknown>[], headers: Record<string, string> = {}) {
  return app.inject({
    method: "POST",
    url: "/invocations",
    payload: { dataframe_records: rows },
    headers: { "content-type": "application/json", ...headers },
  });
}

function scoreOne(p: Predictor, rec: Record<string, unknown>): number {
  return p.predict(telco.take([records.indexOf(rec)])).at(0) as number;
}

test("a column routing key splits a batch row by row, sticky per key, each row scored by its variant", async () => {
  const { app } = await testServingApp(
    base({ candidateWeight: 50, routingKey: { source: "column", name: "customerID" } }),
    [primary, candidate],
    { aliases },
  );
  const first = await invoke(app, records);
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.headers["x-modelworks-variant"], "mixed");
  assert.equal(first.headers["x-modelworks-model"], "churn/1,churn/2");
  const preds = first.json().predictions as { probability: number }[];
  let toCandidate = 0;
  records.forEach((rec, i) => {
    const isCandidate = bucketOf(String(rec.customerID)) < 5000;
    if (isCandidate) toCandidate++;
    const expected = scoreOne(isCandidate ? candidate.predictor : primary.predictor, rec);
    assert.ok(Math.abs((preds[i]?.probability as number) - expected) < 1e-12, `row ${i}`);
  });
  assert.ok(toCandidate > 10 && toCandidate < 50, `${toCandidate} of 60 rows went to the candidate`);
  // The same keys, one at a time and in another order: the same variant each time.
  for (const rec of records.slice(0, 20).reverse()) {
    const res = await invoke(app, [rec]);
    const want = bucketOf(String(rec.customerID)) < 5000 ? "candidate" : "primary";
    assert.equal(res.headers["x-modelworks-variant"], want);
  }
});

test("a header routing key keeps a caller on one variant; without a key the split is random", async () => {
  const { app } = await testServingApp(
    base({ candidateWeight: 30, routingKey: { source: "header", name: "x-customer" } }),
    [primary, candidate],
    { aliases },
  );
  const seen = new Set<string>();
  for (let k = 0; k < 40; k++) {
    const a = await invoke(app, [records[0] as Record<string, unknown>], { "x-customer": `cust-${k}` });
    const b = await invoke(app, [records[0] as Record<string, unknown>], { "x-customer": `cust-${k}` });
    assert.equal(a.headers["x-modelworks-variant"], b.headers["x-modelworks-variant"]);
    seen.add(String(a.headers["x-modelworks-variant"]));
  }
  assert.deepEqual([...seen].sort(), ["candidate", "primary"]);
});

test("weight and alias changes apply live; no request in flight fails while they change", async () => {
  const three = { ...primary, version: "3" };
  const { app, runtime, setDeployment } = await testServingApp(
    base({ candidateWeight: 0 }),
    [primary, candidate, three],
    {
      aliases,
    },
  );
  assert.equal((await invoke(app, [records[1] as Record<string, unknown>])).headers["x-modelworks-variant"], "primary");
  setDeployment(base({ candidateWeight: 100, generation: 2 }));
  assert.equal(await runtime.refresh(), true);
  assert.equal(
    (await invoke(app, [records[1] as Record<string, unknown>])).headers["x-modelworks-variant"],
    "candidate",
  );

  const pending: Promise<{ statusCode: number }>[] = [];
  for (let i = 0; i < 300; i++) {
    pending.push(invoke(app, [records[i % 60] as Record<string, unknown>]));
    if (i % 25 === 0) {
      setDeployment(base({ candidateWeight: (i * 7) % 101, generation: 3 + i }));
      aliases["churn@champion"] = i % 50 === 0 ? "3" : "1";
      void runtime.refresh();
    }
  }
  const statuses = (await Promise.all(pending)).map((r) => r.statusCode);
  assert.deepEqual(new Set(statuses), new Set([200]));
  aliases["churn@champion"] = "1";
});

test("a candidate that fails to load never replaces what is serving; the failure is reported", async () => {
  const events: string[] = [];
  const broken: TestModel = { name: "churn", version: "9", predictor: primary.predictor };
  const { app, runtime, setDeployment } = await testServingApp(
    base({ candidateWeight: 10 }),
    [primary, candidate, broken],
    {
      aliases,
      failing: new Set(["churn/9"]),
      observer: { event: (_d, type, message) => events.push(`${type}: ${message}`) },
    },
  );
  setDeployment(base({ candidate: "churn/9", candidateWeight: 100, generation: 2 }));
  assert.equal(await runtime.refresh(), false);
  assert.match(runtime.lastError?.message ?? "", /version 9 failed to load: corrupt package/);
  assert.ok(
    events.some((e) => /^load_failed: .*version 9/.test(e)),
    events.join("\n"),
  );
  assert.equal(runtime.current.candidate?.model.version, "2");
  const res = await invoke(app, [records[2] as Record<string, unknown>]);
  assert.equal(res.statusCode, 200);
  assert.ok(["churn/1", "churn/2"].includes(String(res.headers["x-modelworks-model"])));
});

test("shadow mode: the primary answers, the candidate's scores are logged and measured, then discarded", async () => {
  const store = new SqlPredictionLogStore(db);
  const logger = new PredictionLogger(store, { flushIntervalMs: 10 });
  const { app, metrics } = await testServingApp(base({ name: "shadowed", shadow: true }), [primary, candidate], {
    aliases,
    logger,
    feedback: store,
  });
  const res = await invoke(app, records.slice(0, 5), { "x-request-id": "req-shadow-1" });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers["x-modelworks-variant"], "primary");
  assert.equal(res.headers["x-request-id"], "req-shadow-1");
  await logger.close();
  const logged = await store.listPredictions({ deployment: "shadowed" });
  assert.equal(logged.length, 10);
  const shadow = logged.filter((r) => r.shadow);
  assert.equal(shadow.length, 5);
  assert.ok(shadow.every((r) => r.variant === "candidate" && r.modelVersion === "2"));
  const expected = scoreOne(candidate.predictor, records[3] as Record<string, unknown>);
  assert.ok(Math.abs((shadow.find((r) => r.row === 3)?.score as number) - expected) < 1e-12);
  assert.equal(JSON.parse(logged[0]?.inputs as string).tenure, records[0]?.tenure);
  const text = await metrics.text();
  assert.match(text, /modelworks_requests_total\{[^}]*variant="shadow"[^}]*\} 1/);
  assert.match(text, /modelworks_requests_total\{[^}]*variant="primary"[^}]*status="200"[^}]*\} 1/);

  const fb = await app.inject({
    method: "POST",
    url: "/feedback",
    payload: [
      { request_id: "req-shadow-1", row: 3, outcome: "Yes" },
      { routing_key: "7590-VHVEG", outcome: "No" },
    ],
  });
  assert.equal(fb.statusCode, 200, fb.body);
  assert.deepEqual(fb.json(), { accepted: 2 });
  const stored = await store.listFeedback({ deployment: "shadowed" });
  assert.deepEqual(
    stored
      .map((f) => [f.requestId, f.row, f.routingKey, f.outcome])
      .sort((a, b) => String(a[3]).localeCompare(String(b[3]))),
    [
      [undefined, undefined, "7590-VHVEG", "No"],
      ["req-shadow-1", 3, undefined, "Yes"],
    ],
  );
  const bad = await app.inject({ method: "POST", url: "/feedback", payload: { request_id: "x" } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().message, /outcome/);
});

test("a versioned V2 path pins that variant; a model failure is a 500 counted against its variant", async () => {
  const boom = () => {
    throw new Error("boom");
  };
  // Fails on both scoring paths: batches (predict) and single records (rowScorer).
  const failing: Predictor = {
    algo: candidate.predictor.algo,
    signature: candidate.predictor.signature,
    predict: boom,
    rowScorer: () => ({ setNumber: () => {}, setString: () => {}, score: boom }),
  };
  const { app, metrics } = await testServingApp(
    base({ name: "pinned", candidateWeight: 100 }),
    [primary, { ...candidate, predictor: failing }],
    { aliases },
  );
  const sig = primary.predictor.signature;
  const rec = records[0] as Record<string, unknown>;
  const payload = {
    inputs: sig.inputs.map((i) => ({
      name: i.name,
      shape: [1],
      datatype: i.type === "string" ? "BYTES" : "FP64",
      data: [rec[i.name]],
    })),
  };
  const pinned = await app.inject({ method: "POST", url: "/v2/models/churn/versions/1/infer", payload });
  assert.equal(pinned.statusCode, 200, pinned.body);
  assert.equal(pinned.headers["x-modelworks-variant"], "primary");
  assert.equal(pinned.json().model_version, "1");
  const failed = await invoke(app, [rec]);
  assert.equal(failed.statusCode, 500);
  assert.match(failed.json().message, /version 2 failed: boom/);
  assert.match(await metrics.text(), /modelworks_requests_total\{[^}]*variant="candidate"[^}]*status="500"[^}]*\} 1/);
  const missing = await app.inject({ method: "POST", url: "/v2/models/churn/versions/7/infer", payload });
  assert.equal(missing.statusCode, 404);
  assert.match(missing.json().error, /version 7 is not served/);
});
