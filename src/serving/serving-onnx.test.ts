import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { loadOnnxFolder } from "../runtimes/onnx/onnx-runtime.js";
import { FIXTURES, mlmodelOf, readExpected } from "../runtimes/onnx/test-support/fixtures.js";
import type { LoadedModel } from "../runtimes/runtime.js";
import { deploymentOf, testServingApp } from "./test-support/static-runtime.js";

// An ONNX model (the skl2onnx-style DataFrame pipeline fixture: doubles and a string, ZipMap
// output) served through both protocols: batches go to onnxruntime, no one-row fast path.
let app: FastifyInstance;
let model: LoadedModel;
const expected = readExpected("linear-binary");

before(async () => {
  const dir = join(FIXTURES, "linear-binary");
  model = await loadOnnxFolder(dir, mlmodelOf(dir));
  ({ app } = await testServingApp(deploymentOf({ name: "plans", primary: "plans/1" }), [
    { name: "plans", version: "1", predictor: model },
  ]));
});

after(async () => {
  await app.close();
  await model.close?.();
});

const post = (url: string, body: unknown) =>
  app.inject({ method: "POST", url, payload: JSON.stringify(body), headers: { "content-type": "application/json" } });

test("/invocations scores a batch and one row with the ONNX model's probabilities and labels", async () => {
  const rows = expected.rows.slice(0, 12);
  const r = await post("/invocations", { dataframe_split: { columns: expected.columns, data: rows } });
  assert.equal(r.statusCode, 200, r.body);
  const predictions = JSON.parse(r.body).predictions as { probability: number; label: string }[];
  assert.equal(predictions.length, rows.length);
  predictions.forEach((p, i) => {
    const want = expected.predictions[i] as number;
    assert.ok(Math.abs(p.probability - want) <= 1e-6, `row ${i}: ${p.probability} vs ${want}`);
    assert.equal(p.label, want >= 0.5 ? "leave" : "stay");
  });
  const one = await post("/invocations", { dataframe_records: [{ age: 41, charges: 70.5, plan: "premium" }] });
  assert.equal(one.statusCode, 200, one.body);
  assert.ok(JSON.parse(one.body).predictions[0].probability > 0);
});

test("Open Inference Protocol v2 infer with a string input, and a missing column is a 400", async () => {
  const inputs = [
    { name: "age", shape: [2], datatype: "FP64", data: [30, 65] },
    { name: "charges", shape: [2], datatype: "FP64", data: [20, 110] },
    { name: "plan", shape: [2], datatype: "BYTES", data: ["basic", "unknown-plan"] },
  ];
  const r = await post("/v2/models/plans/infer", { inputs });
  assert.equal(r.statusCode, 200, r.body);
  const probability = JSON.parse(r.body).outputs.find((o: { name: string }) => o.name === "probability");
  assert.equal(probability.data.length, 2);
  const bad = await post("/invocations", { dataframe_records: [{ age: 41, charges: 70.5 }] });
  assert.equal(bad.statusCode, 400, bad.body);
  assert.match(bad.body, /plan/);
});
