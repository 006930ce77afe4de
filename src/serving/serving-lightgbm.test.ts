import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { loadLightgbmFolder } from "../runtimes/lightgbm/lightgbm-runtime.js";
import { FIXTURES, mlmodelOf } from "../runtimes/lightgbm/test-support/fixtures.js";
import { syntheticDir, syntheticExpected } from "../runtimes/lightgbm/test-support/synthetic-fixtures.js";
import type { LoadedModel } from "../runtimes/runtime.js";
import { deploymentOf, testServingApp } from "./test-support/static-runtime.js";

// LightGBM models served through both protocols: a pickled LGBMClassifier (classes "no"/"yes",
// one-row requests on the in-process fast path) around the synthetic binary booster, and the
// synthetic multiclass Booster; expected scores come from the reference tree walk.
let app: FastifyInstance;
let multiApp: FastifyInstance;
let binary: LoadedModel;
let multi: LoadedModel;
const expected = syntheticExpected("binary");
const expectedMulti = syntheticExpected("multiclass");

before(async () => {
  const load = (dir: string) => loadLightgbmFolder(dir, mlmodelOf(dir));
  binary = await load(join(FIXTURES, "classifier-pickle"));
  multi = await load(syntheticDir("multiclass"));
  ({ app } = await testServingApp(deploymentOf({ name: "churn", primary: "churn/1" }), [
    { name: "churn", version: "1", predictor: binary },
  ]));
  ({ app: multiApp } = await testServingApp(deploymentOf({ name: "species", primary: "species/1" }), [
    { name: "species", version: "1", predictor: multi },
  ]));
});

after(async () => {
  await app.close();
  await multiApp.close();
});

const post = (url: string, body: unknown, on = app) =>
  on.inject({ method: "POST", url, payload: JSON.stringify(body), headers: { "content-type": "application/json" } });

test("/invocations: the booster's probabilities and the classifier's labels, for a batch and for one row", async () => {
  const r = await post("/invocations", { dataframe_split: { columns: expected.columns, data: expected.rows } });
  assert.equal(r.statusCode, 200, r.body);
  const predictions = JSON.parse(r.body).predictions as { probability: number; label: string }[];
  predictions.forEach((p, i) => {
    const want = expected.predictions[i] as number;
    assert.ok(Math.abs(p.probability - want) <= 1e-6, `row ${i}: ${p.probability} vs ${want}`);
    assert.equal(p.label, want >= 0.5 ? "yes" : "no");
  });
  const record = Object.fromEntries(expected.columns.map((c, j) => [c, expected.rows[3]?.[j]]));
  const one = await post("/invocations", { dataframe_records: [record] });
  assert.equal(one.statusCode, 200, one.body);
  assert.ok(Math.abs(JSON.parse(one.body).predictions[0].probability - (expected.predictions[3] as number)) <= 1e-6);
});

test("Open Inference Protocol v2: multiclass probabilities per class", async () => {
  const rows = expectedMulti.rows.slice(0, 4);
  const inputs = expectedMulti.columns.map((name, j) => ({
    name,
    shape: [rows.length],
    datatype: "FP64",
    data: rows.map((r) => r[j]),
  }));
  const r = await post("/v2/models/species/infer", { inputs }, multiApp);
  assert.equal(r.statusCode, 200, r.body);
  const outputs = JSON.parse(r.body).outputs as { name: string; data: number[]; shape: number[] }[];
  const probabilities = outputs.find((o) => o.name === "probabilities");
  assert.ok(probabilities, JSON.stringify(outputs.map((o) => o.name)));
  const want = (expectedMulti.predictions.slice(0, 4) as number[][]).flat();
  for (const [i, p] of probabilities.data.entries()) assert.ok(Math.abs(p - (want[i] as number)) <= 1e-6, `value ${i}`);
});
