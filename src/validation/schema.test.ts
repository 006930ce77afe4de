import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MwError } from "../core/errors.js";
import { tableFromColumns } from "../data/test-support/build-table.js";
import { inferSchema } from "./infer-schema.js";
import { type DatasetSchema, schemaFromJson, schemaFromYaml, schemaToJson, schemaToYaml } from "./schema.js";

const rows = 200;
const training = tableFromColumns({
  customer_id: Array.from({ length: rows }, (_, i) => `c${i}`),
  age: Array.from({ length: rows }, (_, i) => 20 + (i % 50)),
  charges: Array.from({ length: rows }, (_, i) => (i % 10 === 0 ? null : 10 + (i % 7) * 1.5)),
  plan: Array.from({ length: rows }, (_, i) => ["basic", "pro", "gold"][i % 3]!),
  churned: Array.from({ length: rows }, (_, i) => i % 4 === 0),
});

const rejects = (fn: () => unknown, message: RegExp) =>
  assert.throws(
    fn,
    (e: unknown) => e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE" && message.test(e.message),
  );

describe("schema import/export", () => {
  const schema = inferSchema(training, undefined, { label: "churned" });

  test("JSON and YAML round trips", () => {
    assert.deepEqual(schemaFromJson(schemaToJson(schema)), schema);
    assert.deepEqual(schemaFromYaml(schemaToYaml(schema)), schema);
    const custom: DatasetSchema = {
      version: 1,
      label: null,
      unexpected_columns: "ignore",
      columns: [
        {
          name: "x",
          type: "float",
          severity: "warning",
          range: { min: 0, max: 1, mostly: 0.99, severity: "error" },
          type_check: { mostly: 0.9 },
        },
      ],
    };
    assert.deepEqual(schemaFromYaml(schemaToYaml(custom)), custom);
  });

  test("bad documents are rejected naming the field", () => {
    const doc = JSON.parse(schemaToJson(schema));
    const bad = (mutate: (d: typeof doc) => void, message: RegExp) => {
      const d = structuredClone(doc);
      mutate(d);
      rejects(() => schemaFromJson(JSON.stringify(d)), message);
    };
    bad(
      (d) => (d.columns[3].type = "category"),
      /columns\[3\]\.type: expected one of int, float, bool, string, timestamp/,
    );
    bad((d) => (d.version = 2), /version: expected 1/);
    bad((d) => (d.columns[1].range.min = 1000), /columns\[1\]\.range\.min: 1000 is greater than max/);
    bad((d) => (d.columns[1].range.mostly = 1.5), /columns\[1\]\.range\.mostly: expected a fraction/);
    bad((d) => (d.columns[0].severity = "fatal"), /columns\[0\]\.severity: expected one of error, warning/);
    bad((d) => (d.columns[0].rnage = {}), /columns\[0\]\.rnage: unknown field/);
    bad((d) => (d.columns[2].name = "age"), /columns\[2\]\.name: duplicate column 'age'/);
    bad((d) => (d.label = "nope"), /label: 'nope' is not one of the columns/);
    bad(
      (d) => (d.columns[3].domain.values = ["a", 3]),
      /columns\[3\]\.domain\.values\[1\]: expected a non-empty string/,
    );
    bad((d) => delete d.columns, /columns: expected an array/);
    rejects(() => schemaFromJson("{"), /not valid JSON/);
    rejects(() => schemaFromYaml("a: [1"), /not valid YAML/);
    rejects(() => schemaFromYaml("- 1"), /schema: expected an object/);
  });
});
