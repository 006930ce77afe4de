import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatProfile, profileTable } from "./profile.js";
import { tableFromColumns } from "./test-support/build-table.js";

const close = (a: number | null | undefined, b: number, eps = 1e-9) =>
  assert.ok(a !== null && a !== undefined && Math.abs(a - b) <= eps, `${a} ≉ ${b}`);

/** numpy.quantile(x, p) with the default linear method, from a sorted copy. */
function npQuantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

describe("profileTable", () => {
  test("numeric statistics of 1..100 match numpy/pandas", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const p = profileTable(tableFromColumns({ x: values }));
    const c = p.columns[0]!;
    assert.equal(c.type, "int");
    assert.equal(c.count, 100);
    assert.equal(c.distinct, 100);
    const s = c.numeric!;
    assert.equal(s.min, 1);
    assert.equal(s.max, 100);
    close(s.mean, 50.5);
    close(s.std, 29.011491975882016); // pandas .std() (ddof=1)
    const q = s.quantiles!;
    close(q.p0, 1);
    close(q.p1, 1.99);
    close(q.p5, 5.95);
    close(q.p25, 25.75);
    close(q.p50, 50.5);
    close(q.p75, 75.25);
    close(q.p95, 95.05);
    close(q.p99, 99.01);
    close(q.p100, 100);
    assert.equal(s.histogram.counts.length, 20);
    assert.equal(s.histogram.edges.length, 21);
    assert.deepEqual(s.histogram.counts, Array(20).fill(5));
  });

  test("quantiles on large skewed data are exact (histogram-located selection)", () => {
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      return (seed >>> 0) / 4294967296;
    };
    const values = Array.from({ length: 50_000 }, () => Math.exp(rnd() * 12) * (rnd() < 0.5 ? 1 : 1.5));
    const s = profileTable(tableFromColumns({ x: values })).columns[0]!.numeric!;
    const sorted = [...values].sort((a, b) => a - b);
    const ps = { p1: 0.01, p5: 0.05, p25: 0.25, p50: 0.5, p75: 0.75, p95: 0.95, p99: 0.99 } as const;
    for (const [k, p] of Object.entries(ps)) close(s.quantiles![k as keyof typeof ps], npQuantile(sorted, p), 1e-6);
    assert.equal(
      s.histogram.counts.reduce((a, b) => a + b, 0),
      50_000,
    );
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    close(s.mean, mean, 1e-6 * mean);
  });

  test("nulls, NaN and constant columns", () => {
    const c = profileTable(tableFromColumns({ x: [3, null, 3, Number.NaN, 3] }, { x: "float" })).columns[0]!;
    assert.equal(c.count, 3);
    assert.equal(c.nulls, 2);
    close(c.null_fraction, 0.4);
    assert.equal(c.distinct, 1);
    assert.equal(c.numeric!.std, 0);
    assert.deepEqual(c.numeric!.histogram, { edges: [2.5, 3.5], counts: [3] });
  });

  test("distinct counts: exact when small, approximate (within 3%) when large", () => {
    const many = Array.from({ length: 200_000 }, (_, i) => i * 0.37);
    const c = profileTable(tableFromColumns({ x: many })).columns[0]!;
    assert.equal(c.distinct_approximate, true);
    assert.ok(Math.abs(c.distinct - 200_000) / 200_000 < 0.03, String(c.distinct));
    const few = profileTable(tableFromColumns({ x: Array.from({ length: 10_000 }, (_, i) => (i % 777) + 0.5) }));
    assert.equal(few.columns[0]!.distinct, 777);
    assert.equal(few.columns[0]!.distinct_approximate, false);
  });

  test("categorical top values, other count and full counts", () => {
    const values = [...Array(5).fill("a"), ...Array(3).fill("b"), ...Array(3).fill("c"), "d", null];
    const c = profileTable(tableFromColumns({ s: values }), { topK: 2 }).columns[0]!;
    assert.equal(c.type, "string");
    assert.equal(c.count, 12);
    assert.equal(c.nulls, 1);
    assert.equal(c.distinct, 4);
    assert.deepEqual(c.categorical!.top, [
      { value: "a", count: 5, frequency: 5 / 12 },
      { value: "b", count: 3, frequency: 3 / 12 },
    ]);
    assert.equal(c.categorical!.other_count, 4);
    assert.deepEqual(c.categorical!.counts, { a: 5, b: 3, c: 3, d: 1 });
    const capped = profileTable(tableFromColumns({ s: values }), { maxCategoricalCounts: 3 }).columns[0]!;
    assert.equal(capped.categorical!.counts, null);
  });

  test("bool and timestamp columns", () => {
    const t = tableFromColumns({
      b: [true, false, true, null],
      t: [new Date("2024-01-02T00:00:00Z"), new Date("2023-05-01T12:00:00Z"), null, new Date("2024-01-01T00:00:00Z")],
    });
    const [b, ts] = profileTable(t).columns;
    assert.deepEqual(b!.bool, { true_count: 2, false_count: 1 });
    assert.equal(b!.distinct, 2);
    assert.deepEqual(ts!.timestamp, { min: "2023-05-01T12:00:00.000Z", max: "2024-01-02T00:00:00.000Z" });
    assert.equal(ts!.distinct, 3);
  });

  test("is JSON with stable key order and formats as a table", () => {
    const t = tableFromColumns({ age: [30, 40, 50], plan: ["a", "b", "a"] });
    const p = profileTable(t);
    assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
    assert.deepEqual(Object.keys(p.columns[0]!), [
      "name",
      "type",
      "count",
      "nulls",
      "null_fraction",
      "distinct",
      "distinct_approximate",
      "numeric",
    ]);
    const text = formatProfile(p);
    assert.match(text, /^3 rows × 2 columns/);
    assert.match(text, /age\s+int\s+3/);
    assert.match(text, /top: a 66\.7%, b 33\.3%/);
  });
});
