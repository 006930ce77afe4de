/**
 * Faulty models (`faults.json`) through a real listening server: the direct node:http path, the
 * Fastify route and V2 infer answer a delayed model's requests late without holding up others, and
 * a model that fails on some inputs answers 500 for those rows only.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { TELCO_CSV } from "../core/test-support/shared-data.js";
import { readTable } from "../data/read-table.js";
import type { Table } from "../data/table.js";
import { predictorFor } from "../learn/package/load-model.js";
import type { ModelPackage } from "../learn/package/model-package.js";
import { fitTelcoPackage, telcoRecord } from "../learn/test-support/telco-models.js";
import type { ServingMetrics } from "./metrics/serving-metrics.js";
import { bucketOf } from "./routing/traffic-split.js";
import { deploymentOf, testServingApp } from "./test-support/static-runtime.js";

const DELAY_MS = 500;

let telco: Table;
let pkg: ModelPackage;
/** Canary: churn/1 answers at once, churn/2 (the candidate, routed by header key) DELAY_MS late. */
let canary: FastifyInstance;
let canaryMetrics: ServingMetrics;
let canaryUrl: string;
/** One model that fails for Contract "Two year". */
let failing: FastifyInstance;
let failingUrl: string;
/** What the failing app logged. */
const failingLog: string[] = [];
/** Header keys routed to the primary and to the candidate at weight 50. */
let primaryKey: string;
let candidateKey: string;

before(async () => {
  telco = await readTable(TELCO_CSV);
  pkg = await fitTelcoPackage(telco, 20);
  const model = (version: string, p: ModelPackage) => ({ name: "churn", version, predictor: predictorFor(p) });
  ({ app: canary, metrics: canaryMetrics } = await testServingApp(
    deploymentOf({
      name: "churn-prod",
      primary: "churn/1",
      candidate: "churn/2",
      candidateWeight: 50,
      routingKey: { source: "header", name: "x-customer" },
    }),
    [model("1", pkg), model("2", { ...pkg, faults: { delay_ms: DELAY_MS } })],
  ));
  ({ app: failing } = await testServingApp(
    deploymentOf({ name: "churn-bad", primary: "churn/3" }),
    [model("3", { ...pkg, faults: { fail_when: { column: "Contract", values: ["Two year"] } } })],
    { log: (line) => failingLog.push(line) },
  ));
  canaryUrl = await listen(canary);
  failingUrl = await listen(failing);
  const keys = Array.from({ length: 100 }, (_, i) => `cust-${i}`);
  primaryKey = keys.find((k) => bucketOf(k) >= 5000) as string;
  candidateKey = keys.find((k) => bucketOf(k) < 5000) as string;
});
after(async () => {
  await canary.close();
  await failing.close();
});

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/** One Telco row without the label, as a `dataframe_records` body. */
function body(r: number, more: Record<string, unknown> = {}): string {
  return JSON.stringify({ dataframe_records: [{ ...telcoRecord(telco, r), ...more }] });
}

/** POST to `/invocations` over the network; resolves with the answer and when it arrived. */
async function invoke(base: string, text: string, key?: string, requestId?: string) {
  const sent = performance.now();
  const res = await fetch(`${base}/invocations`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(key ? { "x-customer": key } : {}),
      ...(requestId ? { "x-request-id": requestId } : {}),
    },
    body: text,
  });
  const json = (await res.json()) as Record<string, unknown>;
  const variant = res.headers.get("x-modelworks-variant");
  return { status: res.status, json, variant, id: res.headers.get("x-request-id"), sent, at: performance.now() };
}

test("a delayed candidate answers at least delay_ms late; a concurrent primary request is not held up", async () => {
  const slow = invoke(canaryUrl, body(0), candidateKey);
  // Sent once the slow request has been scored and is waiting out its delay.
  await new Promise((r) => setTimeout(r, 50));
  const fast = await invoke(canaryUrl, body(1), primaryKey);
  const late = await slow;
  assert.equal(late.status, 200, JSON.stringify(late.json));
  assert.equal(late.variant, "candidate");
  assert.ok(late.at - late.sent >= DELAY_MS, `answered after ${late.at - late.sent} ms`);
  assert.equal(fast.status, 200);
  assert.equal(fast.variant, "primary");
  assert.ok(fast.at < late.at, "the primary's answer came before the delayed one");
  // The delay is part of the candidate's request latency, as a client sees it.
  const text = await canaryMetrics.text();
  const sum = (variant: string) =>
    Number(
      text
        .split("\n")
        .find((l) => l.startsWith("modelworks_request_duration_seconds_sum") && l.includes(`variant="${variant}"`))
        ?.split(" ")
        .at(-1),
    );
  assert.ok(sum("candidate") >= DELAY_MS / 1000, text);
});

test("the Fastify route and V2 infer delay a faulty model's answer too", async () => {
  const t0 = performance.now();
  const r = await canary.inject({
    method: "POST",
    url: "/invocations",
    headers: { "content-type": "application/json", "x-customer": candidateKey },
    payload: body(2),
  });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.headers["x-modelworks-variant"], "candidate");
  assert.ok(performance.now() - t0 >= DELAY_MS);
  const inputs = Object.entries(telcoRecord(telco, 2)).map(([name, v]) => ({
    name,
    shape: [1],
    datatype: typeof v === "number" ? (Number.isInteger(v) ? "INT64" : "FP64") : "BYTES",
    data: [v],
  }));
  const t1 = performance.now();
  const v2 = await canary.inject({
    method: "POST",
    url: "/v2/models/churn/versions/2/infer",
    headers: { "content-type": "application/json" },
    payload: JSON.stringify({ inputs }),
  });
  assert.equal(v2.statusCode, 200, v2.body);
  assert.ok(performance.now() - t1 >= DELAY_MS);
});

test("a model failing on some inputs answers 500 for a matching row and 200 otherwise", async () => {
  const bad = await invoke(failingUrl, body(0, { Contract: "Two year" }), undefined, "trace-direct");
  assert.equal(bad.status, 500);
  assert.equal(bad.json.error_code, "INTERNAL_ERROR");
  assert.match(String(bad.json.message), /injected fault: Contract = Two year/);
  // Every 5xx can be traced: the request id in the header and body, one log line with it.
  assert.equal(bad.id, "trace-direct");
  assert.equal(bad.json.request_id, "trace-direct");
  const routed = await failing.inject({
    method: "POST",
    url: "/invocations",
    headers: { "content-type": "application/json", "x-request-id": "trace-route" },
    payload: body(0, { Contract: "Two year" }),
  });
  assert.equal(routed.statusCode, 500);
  assert.equal(routed.headers["x-request-id"], "trace-route");
  assert.equal(routed.json().request_id, "trace-route");
  assert.deepEqual(
    failingLog.map((l) => l.replace(/: .*/, "")),
    [
      "error 500 INTERNAL_ERROR request trace-direct POST /invocations",
      "error 500 INTERNAL_ERROR request trace-route POST /invocations",
    ],
  );
  const good = await invoke(failingUrl, body(0, { Contract: "Month-to-month" }));
  assert.equal(good.status, 200, JSON.stringify(good.json));
  assert.equal((good.json.predictions as unknown[]).length, 1);
});
