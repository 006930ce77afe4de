import assert from "node:assert/strict";
import { test } from "node:test";
import { chiSquareTest } from "./chisquare.js";

const counts = (o: Record<string, number>) => new Map(Object.entries(o));

test("expected counts are the reference rescaled to the current total", () => {
  // expected [15, 15] against observed [10, 20]: SciPy gives χ² = 3.333…, p = 0.06788915486182893.
  const r = chiSquareTest(counts({ a: 30, b: 30 }), counts({ a: 10, b: 20 }));
  assert.equal(r.statistic, 3.3333333333333335);
  assert.ok(Math.abs(r.pValue - 0.06788915486182893) < 1e-15);
});

test("a category only in current has expected 0: χ² = ∞, p = 0 (SciPy's division by zero)", () => {
  assert.deepEqual(chiSquareTest(counts({ a: 5, b: 5 }), counts({ a: 5, b: 4, c: 1 })), {
    statistic: Number.POSITIVE_INFINITY,
    pValue: 0,
  });
});

test("a category only in reference just contributes its expected count", () => {
  const r = chiSquareTest(counts({ a: 5, b: 5, c: 10 }), counts({ a: 10, b: 10 }));
  assert.equal(r.statistic, 5 + 5 + 10);
  assert.ok(r.pValue > 0 && r.pValue < 1e-4);
});

test("one category leaves no degrees of freedom (NaN p); an empty side is refused", () => {
  assert.ok(Number.isNaN(chiSquareTest(counts({ a: 3 }), counts({ a: 7 })).pValue));
  assert.throws(() => chiSquareTest(counts({}), counts({ a: 1 })), RangeError);
});
