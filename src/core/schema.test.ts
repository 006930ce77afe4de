import assert from "node:assert/strict";
import { test } from "node:test";
import { MwError } from "./errors.js";
import { parseRequest, s } from "./schema.js";

const schema = s.object({
  run_id: s.string().required(),
  max_results: s.int64(),
  flag: s.bool(),
  ids: s.array(s.string()),
  view: s.enum(["A", "B"] as const),
  metrics: s.array(s.object({ key: s.string().required(), value: s.double().required() }), 3),
});

function fails(body: unknown, src: "json" | "query", message: RegExp) {
  assert.throws(
    () => parseRequest(schema, body, src),
    (e) => e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE" && message.test(e.message),
  );
}

test("protobuf JSON rules: int64 as number or string, doubles as specials", () => {
  const r = parseRequest(
    schema,
    {
      run_id: "r",
      max_results: "10",
      flag: false,
      metrics: [
        { key: "a", value: "NaN" },
        { key: "b", value: "-Infinity" },
        { key: "c", value: "1.5" },
      ],
      unknown: 1,
    },
    "json",
  );
  assert.equal(r.max_results, 10);
  assert.equal(r.flag, false);
  assert.ok(Number.isNaN(r.metrics?.[0]?.value));
  assert.equal(r.metrics?.[1]?.value, Number.NEGATIVE_INFINITY);
  assert.equal(r.metrics?.[2]?.value, 1.5);
  // Unknown fields are ignored (protobuf's rule), not an error.
  assert.equal(r.run_id, "r");
});

test("query strings: repeated keys become arrays, scalars take the first", () => {
  const r = parseRequest(schema, { run_id: ["x", "y"], ids: ["a", "b"], flag: "true", view: "B" }, "query");
  assert.deepEqual(r, { run_id: "x", ids: ["a", "b"], flag: true, view: "B" });
  assert.deepEqual(parseRequest(schema, { run_id: "x", ids: "only" }, "query").ids, ["only"]);
});

test("errors name the field, with its path inside arrays and objects", () => {
  fails({}, "json", /Missing value for required parameter 'run_id'/);
  fails({ run_id: 5 }, "json", /'run_id': expected a string, got number 5/);
  fails({ run_id: "r", max_results: 1.5 }, "json", /'max_results': expected an integer/);
  fails({ run_id: "r", max_results: "12abc" }, "json", /'max_results'/);
  fails({ run_id: "r", flag: "yes" }, "json", /'flag': expected true or false/);
  fails({ run_id: "r", view: "C" }, "json", /'view': expected one of A, B/);
  fails(
    {
      run_id: "r",
      metrics: [
        { key: "a", value: 1 },
        { key: "b", value: true },
      ],
    },
    "json",
    /'metrics\[1\]\.value': expected a number, got boolean/,
  );
  fails({ run_id: "r", metrics: [{ value: 1 }] }, "json", /required parameter 'metrics\[0\]\.key'/);
  fails({ run_id: "r", metrics: [null] }, "json", /required parameter 'metrics\[0\]'/);
  fails({ run_id: "r", metrics: {} }, "json", /'metrics': expected an array/);
  fails({ run_id: "r", metrics: [1, 2, 3, 4] }, "json", /'metrics' has 4 items; at most 3/);
  fails([], "json", /'body': expected an object/);
});

test("enums: exact by default; with ignoreCase any case parses as the listed spelling", () => {
  fails({ run_id: "r", view: "a" }, "json", /parameter 'view': expected one of A, B, got string "a"/);
  const stage = s.object({ stage: s.enum(["None", "Staging"] as const, { ignoreCase: true }).required() });
  for (const v of ["staging", "STAGING", "Staging", "sTaGiNg"]) {
    assert.equal(parseRequest(stage, { stage: v }, "json").stage, "Staging");
  }
  assert.equal(parseRequest(stage, { stage: "none" }, "query").stage, "None");
  assert.throws(
    () => parseRequest(stage, { stage: " staging" }, "json"),
    (e) =>
      e instanceof MwError && /parameter 'stage': expected one of None, Staging, got string " staging"/.test(e.message),
  );
});
