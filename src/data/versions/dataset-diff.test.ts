import assert from "node:assert/strict";
import { test } from "node:test";
import { profileTable } from "../profile.js";
import { tableFromColumns } from "../test-support/build-table.js";
import { diffVersions } from "./dataset-diff.js";
import type { DatasetVersion } from "./dataset-store.js";

function version(v: number, columns: Parameters<typeof tableFromColumns>[0]): DatasetVersion {
  const profile = profileTable(tableFromColumns(columns));
  return {
    name: "ds",
    version: v,
    digest: String(v).repeat(64),
    format: "csv",
    sizeBytes: 1,
    rows: profile.num_rows,
    columns: profile.num_columns,
    schemaJson: "{}",
    profileJson: JSON.stringify(profile),
    sourcePath: "x.csv",
    createdTime: 0,
  };
}

test("diff: added/removed/retyped columns, ranges, domains and statistics shifts", () => {
  const a = version(1, {
    id: [1, 2, 3, 4],
    charges: [10, 20, 30, 40],
    contract: ["month", "month", "year", "two-year"],
    gone: ["x", "y", "x", "y"],
    code: [1, 2, 3, 4],
  });
  const b = version(2, {
    id: [1, 2, 3, 4, 5],
    charges: [50, 60, 70, 80, null],
    contract: ["month", "month", "month", "year", "weekly"],
    code: ["a", "b", "c", "d", "e"],
    fresh: [true, false, true, true, false],
  });
  const d = diffVersions(a, b);
  assert.equal(d.identical, false);
  assert.deepEqual(d.schema.added_columns, [{ column: "fresh", type: "bool" }]);
  assert.deepEqual(d.schema.removed_columns, [{ column: "gone", type: "string" }]);
  assert.deepEqual(d.schema.type_changes, [{ column: "code", a: "int", b: "string" }]);
  const charges = d.schema.range_changes.find((r) => r.column === "charges");
  assert.deepEqual(charges, { column: "charges", a: { min: 10, max: 40 }, b: { min: 50, max: 80 } });
  assert.deepEqual(d.schema.domain_changes, [{ column: "contract", added: ["weekly"], removed: ["two-year"] }]);
  assert.deepEqual(d.statistics.rows, { a: 4, b: 5, change: 1 });
  const stats = d.statistics.columns.find((c) => c.column === "charges");
  assert.deepEqual(stats?.null_rate, { a: 0, b: 0.2 });
  assert.equal(stats?.mean?.a, 25);
  assert.equal(stats?.mean?.b, 65);
  assert.ok((stats?.mean?.shift_in_std ?? 0) > 3);
  const contract = d.statistics.columns.find((c) => c.column === "contract");
  assert.deepEqual(contract?.categories?.[0], { value: "two-year", a: 0.25, b: 0, change: -0.25 });
});

test("diff of a version with itself is identical with no changes", () => {
  const a = version(1, { x: [1, 2, 3], s: ["a", "b", "a"] });
  const d = diffVersions(a, a);
  assert.equal(d.identical, true);
  assert.deepEqual(d.schema, {
    added_columns: [],
    removed_columns: [],
    type_changes: [],
    range_changes: [],
    domain_changes: [],
  });
  assert.deepEqual(d.statistics.columns.find((c) => c.column === "s")?.categories, []);
});
