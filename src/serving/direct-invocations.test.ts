/**
 * The direct /invocations handler (listening servers) against the Fastify route (inject): every
 * request answers the same status, body and headers, and logs the same rows, whichever path took it.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { TELCO_CSV } from "../core/test-support/shared-data.js";
import { readTable } from "../data/read-table.js";
import type { Table } from "../data/table.js";
import { predictorFor } from "../learn/package/load-model.js";
import { fitTelcoPackage, telcoRecord } from "../learn/test-support/telco-models.js";
import { nativeModel } from "../runtimes/native/native-runtime.js";
import type { LoadedModel } from "../runtimes/runtime.js";
import type { ResolvedModel } from "./model-resolver.js";
import type { PredictionRecord } from "./prediction-log/prediction-log-store.js";
import { PredictionLogger } from "./prediction-log/prediction-logger.js";
import { FakePredictionLogStore } from "./prediction-log/test-support/fake-prediction-log-store.js";
import { deploymentOf, testServingApp } from "./test-support/static-runtime.js";

let telco: Table;
let app: FastifyInstance;
let url: string;
const store = new FakePredictionLogStore();
const logger = new PredictionLogger(store, { flushIntervalMs: 60_000 });
/** Batch predict() calls per model version: the single-record path makes none. */
const batchCalls = new Map<string, number>();

function counting(model: ResolvedModel): ResolvedModel {
  const p = model.predictor;
  const count = () => batchCalls.set(model.version, (batchCalls.get(model.version) ?? 0) + 1);
  const predictSync = p.predictSync;
  const predictor: LoadedModel = {
    ...p,
    predict: (t) => {
      count();
      return p.predict(t);
    },
    ...(predictSync
      ? {
          predictSync: (t: Table) => {
            count();
            return predictSync(t);
          },
        }
      : {}),
  };
  return { ...model, predictor };
}

before(async () => {
  telco = await readTable(TELCO_CSV);
  const primary = {
    name: "churn",
    version: "1",
    predictor: nativeModel(predictorFor(await fitTelcoPackage(telco, 20))),
  };
  const candidate = {
    name: "churn",
    version: "2",
    predictor: nativeModel(predictorFor(await fitTelcoPackage(telco, 0, "linear"))),
  };
  const deployment = deploymentOf({
    name: "churn-prod",
    primary: "churn@champion",
    candidate: "churn/2",
    candidateWeight: 50,
    routingKey: { source: "column", name: "customerID" },
  });
  ({ app } = await testServingApp(deployment, [counting(primary), counting(candidate)], {
    aliases: { "churn@champion": "1" },
    logger,
    maxRows: 5,
    bodyLimit: 64 * 1024,
  }));
  await app.listen({ host: "127.0.0.1", port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/invocations`;
});
after(async () => {
  await app.close();
  await logger.close();
});

interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string | undefined>;
}

const HEADERS = [
  "content-type",
  "x-modelworks-model",
  "x-modelworks-variant",
  "x-modelworks-deployment",
  "x-request-id",
];

async function viaInject(body: string, contentType: string, requestId: string): Promise<Answer> {
  const r = await app.inject({
    method: "POST",
    url: "/invocations",
    payload: body,
    headers: { "content-type": contentType, "x-request-id": requestId },
  });
  return { status: r.statusCode, body: r.json(), headers: pick((n) => r.headers[n] as string | undefined) };
}

async function viaSocket(body: string, contentType: string, requestId: string): Promise<Answer> {
  const r = await fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": contentType, "x-request-id": requestId },
  });
  return { status: r.status, body: await r.json(), headers: pick((n) => r.headers.get(n) ?? undefined) };
}

function pick(get: (name: string) => string | undefined): Record<string, string | undefined> {
  return Object.fromEntries(HEADERS.map((n) => [n, get(n)]));
}

const rec = (r: number, change: Record<string, unknown> = {}) => ({ ...telcoRecord(telco, r), ...change });
const records = (rows: unknown[]) => JSON.stringify({ dataframe_records: rows });

test("both paths answer every kind of request identically (status, body, headers)", async () => {
  const one = rec(0);
  const cases: [string, string, string?][] = [
    ["one record", records([one])],
    ["one record as instances", JSON.stringify({ instances: [rec(1)] })],
    ["three records", records([rec(2), rec(3), rec(4)])],
    [
      "dataframe_split",
      JSON.stringify({ dataframe_split: { columns: Object.keys(one), data: [Object.values(rec(5))] } }),
    ],
    ["columnar inputs", JSON.stringify({ inputs: Object.fromEntries(Object.entries(one).map(([k, v]) => [k, [v]])) })],
    ["CSV", `${Object.keys(one).join(",")}\n${Object.values(rec(6)).join(",")}\n`, "text/csv"],
    ["nulls and an unseen category", records([rec(7, { tenure: null, Contract: "Decade", TotalCharges: null })])],
    ["a numeric string (the general parser's rule)", records([rec(8, { tenure: "5", MonthlyCharges: " 20.5 " })])],
    ["extra columns ignored", records([rec(9, { favouriteColour: "teal" })])],
    ["wrong type", records([rec(11, { tenure: "abc" })])],
    ["a fraction for an int", records([rec(12, { SeniorCitizen: 0.5 })])],
    ["a boolean for a string input", records([rec(13, { gender: true })])],
    ["a missing input", records([rec(14, { tenure: undefined })])],
    ["too many rows", records([0, 1, 2, 3, 4, 5].map((r) => rec(r)))],
    ["no rows", records([])],
    ["two protocol keys", JSON.stringify({ dataframe_records: [one], instances: [one] })],
    ["an unknown protocol key", JSON.stringify({ records: [one] })],
    ["a record that is a list", records([[1, 2]])],
    ["malformed JSON", '{"dataframe_records": ['],
    ["empty body", ""],
    ["wrong content type", records([one]), "text/plain"],
    ["a body over the limit", records([{ ...one, pad: "x".repeat(70_000) }])],
  ];
  let i = 0;
  for (const [name, body, type = "application/json"] of cases) {
    const id = `case-${i++}`;
    const viaFastify = await viaInject(body, type, `${id}-a`);
    const direct = await viaSocket(body, type, `${id}-b`);
    assert.deepEqual(
      { ...direct, headers: { ...direct.headers, "x-request-id": undefined } },
      { ...viaFastify, headers: { ...viaFastify.headers, "x-request-id": undefined } },
      name,
    );
    if (viaFastify.status === 200) assert.equal(direct.headers["x-request-id"], `${id}-b`, name);
  }
  // Without its routing key a record gets a random variant, so only the outcome is compared.
  const unkeyed = records([rec(10, { customerID: undefined })]);
  assert.equal((await viaSocket(unkeyed, "application/json", "unkeyed")).status, 200);
});

test("a one-record request is scored without a batch predict, and logged exactly as the general path logs it", async () => {
  batchCalls.clear();
  for (let r = 20; r < 40; r++) {
    const single = await viaSocket(records([rec(r)]), "application/json", `single-${r}`);
    assert.equal(single.status, 200);
  }
  assert.equal(batchCalls.size, 0, "no batch predict for single records");
  const batch = await viaSocket(records([20, 21, 22].map((r) => rec(r))), "application/json", "batch");
  assert.equal(batch.status, 200);
  assert.ok((batchCalls.get("1") ?? 0) + (batchCalls.get("2") ?? 0) > 0);

  await logger.flush();
  const byId = (id: string) => store.predictions.filter((p: PredictionRecord) => p.requestId === id);
  for (const r of [20, 21, 22]) {
    const [fast] = byId(`single-${r}`);
    const general = byId("batch").find((p) => p.row === r - 20);
    assert.ok(fast && general, `row ${r} logged by both paths`);
    const same = (p: PredictionRecord) => ({
      inputs: p.inputs,
      score: p.score,
      label: p.label,
      variant: p.variant,
      modelVersion: p.modelVersion,
      routingKey: p.routingKey,
    });
    assert.deepEqual(same(fast), same(general));
    assert.equal(JSON.parse(fast.inputs).customerID, rec(r).customerID);
  }
});

test("a model name outside ASCII is percent-encoded in the answer header on both paths", async () => {
  const predictor = predictorFor(await fitTelcoPackage(telco, 5));
  const { app: odd } = await testServingApp(
    deploymentOf({ name: "odd", primary: "模型@champion" }),
    [{ name: "模型", version: "1", predictor }],
    { aliases: { "模型@champion": "1" } },
  );
  await odd.listen({ host: "127.0.0.1", port: 0 });
  try {
    const oddUrl = `http://127.0.0.1:${(odd.server.address() as AddressInfo).port}/invocations`;
    const body = records([rec(0)]);
    const headers = { "content-type": "application/json" };
    const injected = await odd.inject({ method: "POST", url: "/invocations", payload: body, headers });
    const direct = await fetch(oddUrl, { method: "POST", body, headers });
    assert.equal(injected.statusCode, 200);
    assert.equal(direct.status, 200);
    assert.deepEqual(await direct.json(), injected.json());
    assert.equal(injected.headers["x-modelworks-model"], "%E6%A8%A1%E5%9E%8B/1");
    assert.equal(direct.headers.get("x-modelworks-model"), "%E6%A8%A1%E5%9E%8B/1");
  } finally {
    await odd.close();
  }
});

test("property: one-record bodies with random cells answer the same through both paths", async () => {
  const seed = Number(process.env.MODELWORKS_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
  // The routing key stays: without it a record's variant is a random draw.
  const columns = Object.keys(rec(0)).filter((c) => c !== "customerID");
  const cell = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.constantFrom("5", " 7.5 ", "", "NaN", "true", "Yes", "No", "Month-to-month"),
    fc.double(),
    fc.integer({ min: -3, max: 3 }),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.jsonValue({ maxDepth: 1 }),
  );
  const body = fc
    .tuple(fc.integer({ min: 0, max: 7042 }), fc.dictionary(fc.constantFrom(...columns), cell, { maxKeys: 3 }))
    .map(([r, change]) => records([rec(r, change)]));
  await fc.assert(
    fc.asyncProperty(body, async (text) => {
      const viaFastify = await viaInject(text, "application/json", "p");
      const direct = await viaSocket(text, "application/json", "p");
      assert.ok(direct.status < 500, `5xx for ${text}`);
      assert.deepEqual(direct, viaFastify, text);
    }),
    { seed, numRuns: 150 },
  );
});
