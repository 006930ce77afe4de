/** Random payloads at both protocols: never a 5xx, always the protocol's error shape. */

import assert from "node:assert/strict";
import { before, test } from "node:test";
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { TELCO_CSV } from "../core/test-support/shared-data.js";
import { readTable } from "../data/read-table.js";
import { predictorFor } from "../learn/package/load-model.js";
import { fitTelcoPackage } from "../learn/test-support/telco-models.js";
import { deploymentOf, testServingApp } from "./test-support/static-runtime.js";

const SEED = Number(process.env.MODELWORKS_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
let app: FastifyInstance;
let columns: string[];

before(async () => {
  const table = await readTable(TELCO_CSV);
  const model = { name: "churn", version: "1", predictor: predictorFor(await fitTelcoPackage(table, 5)) };
  columns = model.predictor.signature.inputs.map((i) => i.name);
  ({ app } = await testServingApp(deploymentOf({ name: "churn", primary: "churn/1" }), [model], {
    version: "fuzz",
    maxRows: 50,
  }));
});

const cell = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 1 }),
);

function bodies(): fc.Arbitrary<string> {
  const col = fc.constantFrom(...columns, "x", "__proto__");
  const record = fc.dictionary(col, cell, { maxKeys: 6 });
  const scoring = fc.oneof(
    fc.record({
      dataframe_split: fc.record({
        columns: fc.array(col, { maxLength: 5 }),
        data: fc.array(fc.array(cell, { maxLength: 5 }), { maxLength: 3 }),
      }),
    }),
    fc.record({ dataframe_records: fc.array(record, { maxLength: 3 }) }),
    fc.record({ instances: fc.oneof(fc.array(record, { maxLength: 3 }), fc.array(fc.array(cell), { maxLength: 3 })) }),
    fc.record({ inputs: fc.oneof(fc.dictionary(col, fc.array(cell, { maxLength: 3 })), fc.array(cell)) }),
    fc.record({
      inputs: fc.array(
        fc.record({
          name: col,
          shape: fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 3 }),
          datatype: fc.constantFrom("FP64", "INT64", "BYTES", "BOOL", "XX"),
          data: fc.array(cell, { maxLength: 4 }),
        }),
        { maxLength: 4 },
      ),
    }),
    fc.jsonValue(),
  );
  return fc.oneof({ weight: 6, arbitrary: scoring.map((v) => JSON.stringify(v)) }, fc.string({ maxLength: 80 }));
}

test(`random payloads at both protocols never 5xx (seed ${SEED})`, async () => {
  const types = fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "text/csv",
    "text/plain",
    "application/json; charset=latin1",
    "",
  );
  const urls = fc.constantFrom(
    "/invocations",
    "/v2/models/churn/infer",
    "/v2/models/churn/versions/1/infer",
    "/v2/models/x/infer",
  );
  await fc.assert(
    fc.asyncProperty(urls, types, bodies(), async (url, type, payload) => {
      const r = await app.inject({ method: "POST", url, payload, headers: type ? { "content-type": type } : {} });
      const what = `${url} [${type}] ${payload.slice(0, 120)} → ${r.statusCode} ${r.body.slice(0, 200)}`;
      assert.ok(r.statusCode < 500, what);
      if (r.statusCode >= 400) {
        const body = JSON.parse(r.body);
        assert.ok(url.startsWith("/v2") ? typeof body.error === "string" : typeof body.error_code === "string", what);
      }
    }),
    { seed: SEED, numRuns: 600 },
  );
  assert.equal((await app.inject({ url: "/ping" })).statusCode, 200);
});
