import assert from "node:assert/strict";
import { test } from "node:test";
import { jensenShannonDistance, klDivergence, lInfinityDistance } from "./divergence.js";

test("Jensen–Shannon distance: 0 for equal shares, √ln 2 for disjoint ones, SciPy's value otherwise", () => {
  assert.equal(jensenShannonDistance([2, 4, 6], [1, 2, 3]), 0);
  assert.equal(jensenShannonDistance([1, 0], [0, 1]), 0.8325546111576977);
  assert.ok(Number.isNaN(jensenShannonDistance([0, 0], [1, 1])), "an empty side");
  assert.throws(() => jensenShannonDistance([1], [1, 2]), /aligned bins/);
});

test("KL divergence: entropy(ref%, cur%) after Evidently's zero filling", () => {
  assert.ok(Math.abs(klDivergence([5, 5], [9, 1]) - 0.5108256237659907) < 1e-15);
  // ref% = [1, 0.0001] renormalized; cur% = [0.5, 0.5].
  const p = [1 / 1.0001, 0.0001 / 1.0001];
  const expected = p[0]! * Math.log(p[0]! / 0.5) + p[1]! * Math.log(p[1]! / 0.5);
  assert.ok(Math.abs(klDivergence([10, 0], [1, 1]) - expected) < 1e-15);
});

test("L∞ distance is the largest share difference", () => {
  assert.equal(lInfinityDistance([1, 1, 2], [1, 1, 2]), 0);
  assert.equal(lInfinityDistance([3, 1], [1, 3]), 0.5);
  assert.equal(lInfinityDistance([1, 0], [0, 1]), 1);
  assert.ok(Number.isNaN(lInfinityDistance([0, 0], [1, 0])));
});
