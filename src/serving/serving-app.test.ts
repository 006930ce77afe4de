import assert from "node:assert/strict";
import { before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { TELCO_CSV } from "../core/test-support/shared-data.js";
import { readTable } from "../data/read-table.js";
import { predictorFor } from "../learn/package/load-model.js";
import { fitTelcoPackage } from "../learn/test-support/telco-models.js";
import type { TestModel } from "./test-support/static-runtime.js";
import { deploymentOf, testServingApp } from "./test-support/static-runtime.js";

let app: FastifyInstance;
let model: TestModel;
const row = {
  gender: "Female",
  SeniorCitizen: 0,
  Partner: "Yes",
  Dependents: "No",
  tenure: 1,
  PhoneService: "No",
  MultipleLines: "No phone service",
  InternetService: "DSL",
  OnlineSecurity: "No",
  OnlineBackup: "Yes",
  DeviceProtection: "No",
  TechSupport: "No",
  StreamingTV: "No",
  StreamingMovies: "No",
  Contract: "Month-to-month",
  PaperlessBilling: "Yes",
  PaymentMethod: "Electronic check",
  MonthlyCharges: 29.85,
  TotalCharges: 29.85,
};

before(async () => {
  const table = await readTable(TELCO_CSV);
  model = { name: "churn", version: "3", predictor: predictorFor(await fitTelcoPackage(table, 30)) };
  ({ app } = await testServingApp(deploymentOf({ name: "churn", primary: "churn/3" }), [model], {
    version: "test",
    maxRows: 100,
  }));
});

const post = (url: string, payload: string, type = "application/json") =>
  app.inject({ method: "POST", url, payload, headers: { "content-type": type } });

test("MLflow scoring: every JSON format and CSV give the same answer, with the model version header", async () => {
  const columns = Object.keys(row);
  const values = Object.values(row);
  const bodies = [
    JSON.stringify({ dataframe_split: { columns, data: [values] } }),
    JSON.stringify({ dataframe_records: [row] }),
    JSON.stringify({ instances: [row] }),
    JSON.stringify({ inputs: Object.fromEntries(columns.map((c, i) => [c, [values[i]]])) }),
  ];
  const answers = [];
  for (const b of bodies) {
    const r = await post("/invocations", b);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.headers["x-modelworks-model"], "churn/3");
    answers.push(JSON.parse(r.body).predictions[0]);
  }
  const csv = await post("/invocations", `${columns.join(",")}\n${values.join(",")}\n`, "text/csv");
  assert.equal(csv.statusCode, 200, csv.body);
  answers.push(JSON.parse(csv.body).predictions[0]);
  for (const a of answers) assert.deepEqual(a, answers[0]);
  assert.ok(answers[0].probability > 0 && answers[0].probability < 1);
  assert.ok(["Yes", "No"].includes(answers[0].label));
  assert.equal((await app.inject({ url: "/ping" })).statusCode, 200);
  assert.equal((await app.inject({ url: "/version" })).body, "test");
});

test("Open Inference Protocol v2: metadata, readiness and infer", async () => {
  const meta = JSON.parse((await app.inject({ url: "/v2/models/churn" })).body);
  assert.equal(meta.name, "churn");
  assert.ok(meta.inputs.some((i: { name: string }) => i.name === "tenure"));
  assert.equal((await app.inject({ url: "/v2/models/churn/versions/3/ready" })).statusCode, 200);
  assert.equal((await app.inject({ url: "/v2/health/ready" })).statusCode, 200);
  const inputs = Object.entries(row).map(([name, v]) => ({
    name,
    shape: [1],
    datatype: typeof v === "number" ? (Number.isInteger(v) ? "INT64" : "FP64") : "BYTES",
    data: [v],
  }));
  const r = await post("/v2/models/churn/infer", JSON.stringify({ id: "req-1", inputs }));
  assert.equal(r.statusCode, 200, r.body);
  const out = JSON.parse(r.body);
  assert.equal(out.model_name, "churn");
  assert.equal(out.id, "req-1");
  assert.ok(out.outputs.some((o: { name: string }) => o.name === "probability"));
  const missing = await app.inject({ url: "/v2/models/other" });
  assert.equal(missing.statusCode, 404);
  assert.ok(JSON.parse(missing.body).error);
});

test("client mistakes are 4xx with the protocol's error shape, never 5xx", async () => {
  const cases: [string, string, string, number][] = [
    ["/invocations", "{", "application/json", 400],
    ["/invocations", "", "application/json", 400],
    ["/invocations", "x", "text/plain", 415],
    ["/invocations", JSON.stringify({ dataframe_records: [{ ...row, tenure: "abc" }] }), "application/json", 400],
    ["/invocations", JSON.stringify({ dataframe_records: [], instances: [] }), "application/json", 400],
    [
      "/invocations",
      JSON.stringify({ dataframe_records: Array.from({ length: 101 }, () => row) }),
      "application/json",
      400,
    ],
    ["/v2/models/churn/infer", "{}", "application/json", 400],
    ["/v2/models/churn/infer", "[]", "application/json", 400],
  ];
  for (const [url, body, type, status] of cases) {
    const r = await post(url, body, type);
    assert.equal(r.statusCode, status, `${url} ${body.slice(0, 40)} → ${r.statusCode} ${r.body}`);
    const parsed = JSON.parse(r.body);
    assert.ok(url.startsWith("/v2") ? parsed.error : parsed.error_code && parsed.message, r.body);
  }
  const huge = await post("/invocations", `{"x":"${"a".repeat(6 * 1024 * 1024)}"}`);
  assert.equal(huge.statusCode, 413);
});
