import assert from "node:assert/strict";
import { test } from "node:test";
import { ksStatistic, ksTwoSample } from "./ks.js";
import { sortedSample } from "./sample.js";

const f = (...xs: number[]) => Float64Array.from(xs);

test("ksTwoSample matches SciPy on small exact cases, ties included", () => {
  assert.deepEqual(ksTwoSample(f(1, 2, 3), f(4, 5, 6)), { statistic: 1, pValue: 0.09999999999999999 });
  assert.deepEqual(ksTwoSample(f(1, 2, 3), f(4, 5, 6, 7)), { statistic: 1, pValue: 0.05714285714285715 });
  const ties = ksTwoSample(f(1, 1, 2, 2), f(1, 2, 2, 3, 3));
  assert.equal(ties.statistic, 0.4);
  assert.ok(Math.abs(ties.pValue - 0.7460317460317459) < 1e-15);
});

test("identical samples give D = 0 and p = 1; the test is symmetric", () => {
  assert.deepEqual(ksTwoSample(f(1, 2, 2, 5), f(1, 2, 2, 5)), { statistic: 0, pValue: 1 });
  const a = sortedSample([0.3, 1.7, 2.2, 5.1, 0.9, 3.3]);
  const b = sortedSample([1.1, 2.9, 4.4, 6.2, 0.1]);
  assert.deepEqual(ksTwoSample(a, b), ksTwoSample(b, a));
});

test("−0 and 0 are one value", () => {
  assert.equal(ksStatistic(f(-0, 1), f(0, 1)), 0);
});

test("an empty sample is refused", () => {
  assert.throws(() => ksTwoSample(f(), f(1)), RangeError);
  assert.throws(() => ksTwoSample(f(1), f()), RangeError);
});

test("1M vs 1M: one merge, then the asymptotic p-value", () => {
  const n = 1_000_000;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = i / n;
    b[i] = (i + 0.5) / n + 0.002;
  }
  // D = 0.002 + 1/n; n·D² = 2.0 for n = 5e5 lies in kstwo's Pelz–Good range.
  const r = ksTwoSample(a, b);
  assert.ok(Math.abs(r.statistic - 0.002001) < 1e-12);
  assert.ok(r.pValue > 0.03 && r.pValue < 0.04);
});
