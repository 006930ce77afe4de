import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MwError } from "../core/errors.js";
import { seededRandom } from "../core/random.js";
import { tableFromColumns } from "../data/test-support/build-table.js";
import { inferSchema } from "./infer-schema.js";
import type { DatasetSchema } from "./schema.js";
import { validateTable } from "./validate.js";

/** Rows [from, from + n) of a churn-like source. */
const batch = (from: number, n: number) => {
  const rows = Array.from({ length: n }, (_, k) => from + k);
  return tableFromColumns({
    customer_id: rows.map((i) => `c${i}`),
    age: rows.map((i) => 20 + (i % 50)),
    charges: rows.map((i) => (i % 10 === 0 ? null : 10 + (i % 7) * 1.5)),
    plan: rows.map((i) => ["basic", "pro", "gold"][i % 3] as string),
    churned: rows.map((i) => i % 4 === 0),
  });
};
const training = batch(0, 200);

const col = (s: DatasetSchema, name: string) => s.columns.find((c) => c.name === name)!;
const failed = (s: DatasetSchema, t: Parameters<typeof validateTable>[0]) =>
  validateTable(t, s)
    .results.filter((r) => !r.success && r.severity === "error")
    .map((r) => `${r.column}:${r.check}`);

describe("inferSchema", () => {
  const schema = inferSchema(training, undefined, { label: "churned" });

  test("types, presence, widened ranges, domains, ids and the label; no row count", () => {
    assert.equal(schema.label, "churned");
    assert.equal(schema.row_count, undefined);
    assert.deepEqual(
      schema.columns.map((c) => [c.name, c.type]),
      [
        ["customer_id", "string"],
        ["age", "float"], // 50 integer values in 200 rows: not enough evidence that decimals never come
        ["charges", "float"],
        ["plan", "string"],
        ["churned", "bool"],
      ],
    );
    assert.deepEqual(col(schema, "customer_id").unique, { mostly: 0.99 });
    assert.equal(col(schema, "customer_id").domain, undefined);
    // [20, 69] widened by 6/√200 of the span (small sample) on each side, kept non-negative.
    const age = col(schema, "age").range!;
    assert.equal(age.min, 0);
    assert.ok(Math.abs(age.max - (69 + (6 / Math.sqrt(200)) * 49)) < 1e-6, String(age.max));
    assert.equal(age.mostly, 0.99);
    assert.equal(col(schema, "age").presence!.min_fraction, 0.95);
    // 10% missing may double, plus 3 standard errors of a 100-row batch: 1 − (0.1 + 0.1 + 0.09).
    assert.equal(col(schema, "charges").presence!.min_fraction, 0.71);
    // Unseen values: 2 × 1/200 + 3·√(0.005/100) ≈ 3.1%.
    assert.deepEqual(col(schema, "plan").domain, { values: ["basic", "gold", "pro"], mostly: 0.9687 });
    assert.equal(col(schema, "churned").range, undefined);
  });

  test("the training data and later clean batches pass; broken batches fail", () => {
    assert.deepEqual(failed(schema, training), []);
    assert.deepEqual(failed(schema, batch(200, 100)), []);
    assert.deepEqual(failed(schema, batch(5000, 30)), []);
    const later = batch(200, 100);
    const broken = tableFromColumns({
      customer_id: Array.from({ length: 100 }, (_, i) => `c${i % 50}`),
      age: Array.from({ length: 100 }, (_, i) => 200 + i),
      charges: Array.from({ length: 100 }, (_, i) => (i < 40 ? null : 12)),
      plan: Array.from({ length: 100 }, (_, i) => (i % 2 ? "platinum" : "basic")),
      churned: Array.from({ length: 100 }, () => false),
    });
    assert.deepEqual(failed(schema, broken), ["customer_id:unique", "age:range", "charges:presence", "plan:domain"]);
    assert.deepEqual(failed(schema, later.select(["customer_id", "age", "charges", "plan"])), [
      "churned:column_exists",
    ]);
  });

  test("row counts only when asked for, and then as a warning", () => {
    const s = inferSchema(training, undefined, { rowCountFactors: [0.5, 2] });
    assert.deepEqual(s.row_count, { min: 100, max: 400, severity: "warning" });
    const r = validateTable(batch(0, 20), s);
    assert.equal(r.success, true);
    assert.equal(r.results.find((x) => x.check === "row_count")?.success, false);
  });

  test("row numbers and integer keys get uniqueness, no range: later batches pass", () => {
    const random = seededRandom(3);
    const keys = new Set<number>();
    while (keys.size < 700) keys.add(15_000_000 + Math.floor(random() * 1_000_000));
    const ids = [...keys];
    const source = (from: number, n: number) =>
      tableFromColumns({
        RowNumber: Array.from({ length: n }, (_, k) => from + k + 1),
        CustomerId: ids.slice(from, from + n),
        balance: Array.from({ length: n }, (_, k) => 1000 + ((from + k) % 97) * 10),
      });
    const s = inferSchema(source(0, 500), undefined, {});
    for (const name of ["RowNumber", "CustomerId"]) {
      assert.equal(col(s, name).type, "int");
      assert.equal(col(s, name).range, undefined, name);
      assert.deepEqual(col(s, name).unique, { mostly: 0.99 });
    }
    assert.ok(col(s, "balance").range);
    assert.deepEqual(failed(s, source(500, 200)), []);
    const doubled = source(500, 100).take(Array.from({ length: 200 }, (_, i) => i % 100));
    assert.deepEqual(failed(s, doubled), ["RowNumber:unique", "CustomerId:unique"]);
  });

  test("a few distinct strings are not keys: a later repeat is no alarm", () => {
    const s = inferSchema(tableFromColumns({ plan: ["basic", "pro", "gold"] }));
    assert.equal(col(s, "plan").unique, undefined);
    assert.deepEqual(failed(s, tableFromColumns({ plan: ["basic", "basic", "pro"] })), []);
  });

  test("a column that only rises in file order (a time index) gets no range", () => {
    const day = (from: number, n: number) =>
      tableFromColumns({ day: Array.from({ length: n }, (_, k) => Math.floor((from + k) / 3)) });
    const s = inferSchema(day(0, 300), undefined, {});
    assert.equal(col(s, "day").range, undefined);
    assert.deepEqual(failed(s, day(600, 200)), []);
    const few = inferSchema(tableFromColumns({ grade: [1, 1, 2, 2, 3, 3] }), undefined, {});
    assert.ok(col(few, "grade").range, "a sorted column of a few values is not a sequence");
  });

  test("integer columns stay int with few values or many rows", () => {
    const n = 1200;
    const t = tableFromColumns({
      kids: Array.from({ length: n }, (_, i) => i % 5),
      cholesterol: Array.from({ length: n }, (_, i) => 150 + ((i * 7) % 90)),
    });
    assert.equal(col(inferSchema(t), "kids").type, "int");
    assert.equal(col(inferSchema(t), "cholesterol").type, "int");
    assert.equal(col(inferSchema(t.slice(0, 300)), "kids").type, "int");
    const small = inferSchema(t.slice(0, 300).select(["cholesterol"]));
    assert.equal(col(small, "cholesterol").type, "float");
    assert.deepEqual(failed(small, tableFromColumns({ cholesterol: [180.5, 201] })), []);
  });

  test("presence: filled columns tight, partly missing ones lenient, mostly missing ones unchecked", () => {
    const n = 400;
    const t = tableFromColumns({
      filled: Array.from({ length: n }, (_, i) => i),
      half: Array.from({ length: n }, (_, i) => (i % 2 ? null : i)),
      rare: Array.from({ length: n }, (_, i) => (i % 10 ? null : i)),
    });
    const s = inferSchema(t);
    assert.equal(col(s, "filled").presence!.min_fraction, 0.95);
    assert.equal(col(s, "half").presence, undefined, "a 50% missing rate may double");
    assert.equal(col(s, "rare").presence, undefined);
    const loose = inferSchema(t, undefined, { presenceMargin: 0.2, minBatchRows: 10_000 });
    assert.equal(col(loose, "filled").presence!.min_fraction, 0.8);
  });

  test("domains only for closed sets: open text and large sets get none", () => {
    const n = 300;
    const t = tableFromColumns({
      city: Array.from({ length: n }, (_, i) => (i < 100 ? `town-${i}` : "Paris")),
      size: Array.from({ length: n }, (_, i) => ["S", "M", "L"][i % 3] as string),
      code: Array.from({ length: n }, (_, i) => `k${i % 150}`),
    });
    const s = inferSchema(t);
    assert.equal(col(s, "city").domain, undefined, "a third of the values seen once: an open set");
    assert.deepEqual(col(s, "size").domain?.values, ["L", "M", "S"]);
    assert.equal(col(s, "code").domain, undefined, "more than 100 values");
    assert.deepEqual(col(inferSchema(t, undefined, { maxDomainSize: 200 }), "code").domain?.values.length, 150);
  });

  test("ranges: heavy tails get room, a column moved by twice its span fails", () => {
    // A right-skewed amount: most values small, a long tail.
    const amounts = Array.from({ length: 1000 }, (_, i) => Math.round(10 * Math.exp((i % 100) / 25)) / 10);
    const s = inferSchema(tableFromColumns({ amount: amounts }));
    const r = col(s, "amount").range!;
    const [min, max] = [Math.min(...amounts), Math.max(...amounts)];
    assert.equal(r.min, 0);
    // More than the 10% margin (twice the distance from the 95th percentile), less than 0.9 of the span.
    const pad = r.max - max;
    assert.ok(pad > 0.3 * (max - min) && pad < 0.9 * (max - min), `pad ${pad}`);
    // One outlier in 100 values is tolerated (mostly 0.99); a moved column is not.
    assert.deepEqual(failed(s, tableFromColumns({ amount: [...amounts.slice(0, 99), max * 3] })), []);
    assert.deepEqual(failed(s, tableFromColumns({ amount: amounts.slice(0, 100).map((v) => v + 2 * max) })), [
      "amount:range",
    ]);
  });

  test("the label must exist", () => {
    assert.throws(
      () => inferSchema(training, undefined, { label: "nope" }),
      (e: unknown) => e instanceof MwError && /label column 'nope'/.test(e.message),
    );
  });
});
