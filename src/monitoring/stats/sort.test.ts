import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { radixSortFloat64 } from "./sort.js";

const same = (x: Float64Array, y: Float64Array) => x.length === y.length && x.every((v, i) => Object.is(v, y[i]));

test("radix sort orders like Float64Array.prototype.sort (−0 before +0, denormals, extremes)", () => {
  const special = [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, -Number.MAX_VALUE, Number.MAX_VALUE, 1, -1, 0.1];
  const xs = Float64Array.from([...special, ...special.map((v) => v * 0.5)]);
  assert.ok(same(radixSortFloat64(xs.slice()), xs.slice().sort()));
});

test("radix sort agrees with the built-in sort on arbitrary finite doubles", () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 300 }), (values) => {
      const xs = Float64Array.from(values);
      return same(radixSortFloat64(xs.slice()), xs.slice().sort());
    }),
  );
});

test("radix sort handles sizes 0–2, constant arrays and a large shuffled range", () => {
  assert.deepEqual([...radixSortFloat64(new Float64Array(0))], []);
  assert.deepEqual([...radixSortFloat64(Float64Array.from([2]))], [2]);
  assert.deepEqual([...radixSortFloat64(Float64Array.from([2, -3]))], [-3, 2]);
  assert.ok(radixSortFloat64(new Float64Array(5000).fill(7.5)).every((v) => v === 7.5));
  const n = 100_000;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = ((i * 7919) % n) - n / 2 + 0.25;
  const sorted = radixSortFloat64(xs);
  for (let i = 1; i < n; i++) assert.ok((sorted[i - 1] as number) <= (sorted[i] as number));
});
