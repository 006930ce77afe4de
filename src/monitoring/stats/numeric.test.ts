import assert from "node:assert/strict";
import { test } from "node:test";
import { bd0, binomialTerm, pairwiseSum, poissonDensity, roundHalfEven, stirlerr } from "./numeric.js";

test("pairwiseSum follows numpy: plain loop below 8, 8 accumulators up to 128, halves beyond", () => {
  assert.equal(pairwiseSum([]), 0);
  assert.equal(pairwiseSum([1, 2, 3]), 6);
  // 0.1 ten times: numpy's np.sum gives 1.0 (pairwise), a plain loop 0.9999999999999999.
  assert.equal(pairwiseSum(new Array(10).fill(0.1)), 1);
  const xs = Array.from({ length: 1000 }, (_, i) => 1 / (i + 1));
  assert.ok(Math.abs(pairwiseSum(xs) - 7.485470860550345) < 1e-14);
  assert.equal(pairwiseSum([5, 1, 2, 3], 1, 2), 3, "a sub-range");
});

test("stirlerr matches ln Γ(a+1) − (a+½)ln a + a − ln√(2π) below and above the series cut-over", () => {
  const lnSqrt2Pi = 0.5 * Math.log(2 * Math.PI);
  assert.ok(Math.abs(stirlerr(1) - (1 - lnSqrt2Pi)) < 1e-15);
  // ln 10! = 15.104412573075516
  assert.ok(Math.abs(stirlerr(10) - (15.104412573075516 - 10.5 * Math.log(10) + 10 - lnSqrt2Pi)) < 1e-14);
  assert.ok(Math.abs(stirlerr(0.5) - 0.1534264097200273) < 1e-15);
  assert.ok(Math.abs(stirlerr(1e6) - 1 / 12e6) < 1e-20);
});

test("bd0 is x·ln(x/m) + m − x, accurate when x ≈ m", () => {
  assert.equal(bd0(0, 3), 3);
  assert.ok(Math.abs(bd0(10, 4) - (10 * Math.log(10 / 4) + 4 - 10)) < 1e-14);
  // Near x = m the direct form cancels; the series keeps ~(x−m)²/2m to full precision.
  const v = bd0(1e6, 1e6 + 1);
  assert.ok(Math.abs(v - 4.999996666669167e-7) / 5e-7 < 1e-14);
});

test("poissonDensity and binomialTerm agree with direct formulas where those are accurate", () => {
  assert.ok(Math.abs(poissonDensity(3, 2) - (8 * Math.exp(-2)) / 6) < 1e-15);
  assert.equal(poissonDensity(0, 2), Math.exp(-2));
  assert.equal(poissonDensity(2, 0), 0);
  // C(10,3)·0.3³·0.7⁷
  assert.ok(Math.abs(binomialTerm(3, 10, 3, 7) - 120 * 0.027 * 0.7 ** 7) < 1e-14);
});

test("roundHalfEven rounds ties to even, as np.round", () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, -0, -2, 2, 3]);
});
