import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { tableFromColumns } from "../data/test-support/build-table.js";
import type { DatasetSchema } from "./schema.js";
import { type CheckResult, formatReport, type ValidationReport, validateTable } from "./validate.js";

const schema = (columns: DatasetSchema["columns"], extra: Partial<DatasetSchema> = {}): DatasetSchema => ({
  version: 1,
  label: null,
  columns,
  ...extra,
});

const find = (r: ValidationReport, column: string | null, check: string): CheckResult => {
  const got = r.results.find((x) => x.column === column && x.check === check);
  assert.ok(got, `no ${check} result for ${column}`);
  return got;
};

describe("validateTable", () => {
  test("range: out-of-range values with rows and sample counts; passing otherwise", () => {
    const s = schema([{ name: "age", type: "int", range: { min: 0, max: 100 } }]);
    const bad = validateTable(tableFromColumns({ age: [20, -1, 50, 120, 120, null] }), s);
    const r = find(bad, "age", "range");
    assert.equal(bad.success, false);
    assert.equal(r.success, false);
    assert.equal(r.unexpected_count, 3);
    assert.equal(r.unexpected_percent, 60);
    assert.deepEqual(r.rows, [1, 3, 4]);
    assert.deepEqual(r.sample, [
      { value: 120, count: 2 },
      { value: -1, count: 1 },
    ]);
    assert.equal(r.observed, "min -1, max 120");
    assert.deepEqual(r.params, { min: 0, max: 100 });
    const ok = validateTable(tableFromColumns({ age: [0, 100, 42] }), s);
    assert.equal(ok.success, true);
    assert.equal(find(ok, "age", "range").success, true);
  });

  test("mostly tolerates a fraction of failures", () => {
    const t = tableFromColumns({ x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 99] });
    const at = (mostly: number) =>
      find(validateTable(t, schema([{ name: "x", type: "int", range: { min: 0, max: 10, mostly } }])), "x", "range");
    assert.equal(at(0.9).success, true);
    assert.equal(at(0.95).success, false);
    assert.equal(at(0.9).params.mostly, 0.9);
  });

  test("warning severity reports but does not fail the batch", () => {
    const s = schema([{ name: "x", type: "int", severity: "warning", range: { min: 0, max: 1 } }]);
    const r = validateTable(tableFromColumns({ x: [0, 5] }), s);
    assert.equal(r.success, true);
    assert.equal(find(r, "x", "range").severity, "warning");
    assert.equal(r.statistics.failed, 1);
    assert.equal(r.statistics.warnings, 1);
    const err = validateTable(
      tableFromColumns({ x: [0, 5] }),
      schema([{ name: "x", type: "int", severity: "warning", range: { min: 0, max: 1, severity: "error" } }]),
    );
    assert.equal(err.success, false);
  });

  test("domain: unseen values sampled with counts, most frequent first", () => {
    const s = schema([{ name: "plan", type: "string", domain: { values: ["basic", "pro"] } }]);
    const t = tableFromColumns({ plan: ["basic", "gold", "pro", "gold", "free", null, "gold"] });
    const r = find(validateTable(t, s), "plan", "domain");
    assert.equal(r.success, false);
    assert.equal(r.unexpected_count, 4);
    assert.deepEqual(r.sample, [
      { value: "gold", count: 3 },
      { value: "free", count: 1 },
    ]);
    assert.deepEqual(r.rows, [1, 3, 4, 6]);
    assert.equal(find(validateTable(tableFromColumns({ plan: ["pro", "basic"] }), s), "plan", "domain").success, true);
  });

  test("presence: a null-rate increase beyond the bound fails", () => {
    const s = schema([{ name: "x", type: "float", presence: { min_fraction: 0.75 } }]);
    const r = find(validateTable(tableFromColumns({ x: [1.5, null, null, 2.5] }), s), "x", "presence");
    assert.equal(r.success, false);
    assert.equal(r.observed, 0.5);
    assert.equal(r.unexpected_count, 2);
    assert.deepEqual(r.rows, [1, 2]);
    assert.deepEqual(r.sample, [{ value: null, count: 2 }]);
    assert.equal(find(validateTable(tableFromColumns({ x: [1.5, null, 3.5, 2.5] }), s), "x", "presence").success, true);
  });

  test("unique: duplicate ids are reported", () => {
    const s = schema([{ name: "id", type: "string", unique: {} }]);
    const r = find(validateTable(tableFromColumns({ id: ["a", "b", "a", "c", "a"] }), s), "id", "unique");
    assert.equal(r.success, false);
    assert.equal(r.unexpected_count, 3);
    assert.deepEqual(r.rows, [0, 2, 4]);
    assert.deepEqual(r.sample, [{ value: "a", count: 3 }]);
    assert.equal(find(validateTable(tableFromColumns({ id: ["a", "b"] }), s), "id", "unique").success, true);
    const n = find(
      validateTable(tableFromColumns({ id: [1, 2, 2] }), schema([{ name: "id", type: "int", unique: {} }])),
      "id",
      "unique",
    );
    assert.deepEqual([n.unexpected_count, n.rows], [2, [1, 2]]);
  });

  test("missing and unexpected columns; label may be absent when serving", () => {
    const s = schema(
      [
        { name: "a", type: "int" },
        { name: "y", type: "bool" },
        { name: "opt", type: "int", required: false },
      ],
      { label: "y" },
    );
    const t = tableFromColumns({ a: [1], extra: ["x"] });
    const r = validateTable(t, s);
    assert.equal(find(r, "y", "column_exists").success, false);
    assert.equal(find(r, "extra", "unexpected_column").severity, "warning");
    assert.ok(!r.results.some((x) => x.column === "opt"));
    assert.equal(r.success, false);
    const serving = validateTable(t, s, { environment: "serving" });
    assert.equal(serving.success, true);
    assert.equal(validateTable(t, { ...s, unexpected_columns: "error" }, { environment: "serving" }).success, false);
    assert.ok(
      !validateTable(t, { ...s, unexpected_columns: "ignore" }).results.some((x) => x.check === "unexpected_column"),
    );
  });

  test("type mismatch: numeric column arriving as strings reports unparsable values, then checks the rest", () => {
    const s = schema([{ name: "charges", type: "float", range: { min: 0, max: 100 } }]);
    const t = tableFromColumns({ charges: ["12.5", "n/a", "99", " ", "n/a", "150"] });
    const r = validateTable(t, s);
    const ty = find(r, "charges", "type");
    assert.equal(ty.success, false);
    assert.equal(ty.unexpected_count, 3);
    assert.deepEqual(ty.sample, [
      { value: "n/a", count: 2 },
      { value: " ", count: 1 },
    ]);
    assert.deepEqual(ty.rows, [1, 3, 4]);
    assert.match(String(ty.observed), /string \(3 values do not parse as float\)/);
    const range = find(r, "charges", "range");
    assert.deepEqual([range.unexpected_count, range.rows], [1, [5]]);
    const tolerant = schema([{ name: "charges", type: "float", type_check: { mostly: 0.5 } }]);
    assert.equal(validateTable(t, tolerant).success, true);
  });

  test("type: floats where ints are expected, and incompatible types", () => {
    const r = find(
      validateTable(tableFromColumns({ n: [1, 2.5, 3] }), schema([{ name: "n", type: "int" }])),
      "n",
      "type",
    );
    assert.deepEqual([r.success, r.unexpected_count, r.sample], [false, 1, [{ value: 2.5, count: 1 }]]);
    const w = find(validateTable(tableFromColumns({ n: [1, 2] }), schema([{ name: "n", type: "float" }])), "n", "type");
    assert.equal(w.success, true);
    const inc = validateTable(
      tableFromColumns({ n: [true, false] }),
      schema([{ name: "n", type: "int", range: { min: 0, max: 1 } }]),
    );
    assert.equal(find(inc, "n", "type").success, false);
    assert.ok(!inc.results.some((x) => x.check === "range"));
  });

  test("row-count bounds", () => {
    const s = schema([{ name: "a", type: "int" }], { row_count: { min: 2, max: 3 } });
    const low = find(validateTable(tableFromColumns({ a: [1] }), s), null, "row_count");
    assert.deepEqual([low.success, low.observed, low.params], [false, 1, { min: 2, max: 3 }]);
    assert.equal(find(validateTable(tableFromColumns({ a: [1, 2] }), s), null, "row_count").success, true);
    assert.equal(validateTable(tableFromColumns({ a: [1, 2, 3, 4] }), s).success, false);
  });

  test("report matches the CLI contract and formats for humans", () => {
    const s = schema([{ name: "plan", type: "string", domain: { values: ["a"] } }], { row_count: { min: 1, max: 10 } });
    const r = validateTable(tableFromColumns({ plan: ["a", "b"] }), s);
    assert.deepEqual(Object.keys(r), ["success", "statistics", "results"]);
    assert.deepEqual(r.statistics, { evaluated: 4, successful: 3, failed: 1, warnings: 0, success_percent: 75 });
    assert.deepEqual(Object.keys(r.results[0]!), [
      "column",
      "check",
      "severity",
      "success",
      "expected",
      "observed",
      "unexpected_count",
      "unexpected_percent",
      "sample",
      "rows",
      "params",
    ]);
    const text = formatReport(r);
    assert.match(text, /^FAILED: 3\/4 checks passed \(75\.0%\), 1 errors, 0 warnings/);
    assert.match(text, /plan\s+domain\s+error\s+FAIL\s+one of 1 values/);
    assert.match(text, /"b"×1/);
  });
});
