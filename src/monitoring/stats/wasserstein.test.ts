import assert from "node:assert/strict";
import { test } from "node:test";
import { normedWasserstein, populationStd, wassersteinDistance } from "./wasserstein.js";

const f = (...xs: number[]) => Float64Array.from(xs);

test("W1 is the area between the empirical CDFs (SciPy's values)", () => {
  assert.equal(wassersteinDistance(f(0, 1, 3), f(5, 6, 8)), 5);
  assert.equal(wassersteinDistance(f(0, 1), f(0, 0, 1, 1, 2)), 0.29999999999999993);
  assert.equal(wassersteinDistance(f(1, 2, 2), f(1, 2, 2)), 0);
  assert.throws(() => wassersteinDistance(f(), f(1)), RangeError);
});

test("normed by the reference's population std, floored at 0.001 for a constant reference", () => {
  assert.equal(populationStd(f(1, 2, 3, 4)), Math.sqrt(1.25));
  assert.equal(normedWasserstein(f(0, 2), f(1, 3)), 1);
  assert.equal(normedWasserstein(f(3, 3, 3), f(3, 3, 4)), (1 - 2 / 3) / 0.001);
});

test("a 1M vs 1M merge stays linear", () => {
  const n = 1_000_000;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = i;
    b[i] = i + 10;
  }
  assert.ok(Math.abs(wassersteinDistance(a, b) - 10) < 1e-6);
});
