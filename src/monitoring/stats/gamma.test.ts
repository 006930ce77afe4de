import assert from "node:assert/strict";
import { test } from "node:test";
import { chi2Sf, gammaQ, normalSf } from "./gamma.js";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test("chi2Sf: closed forms and SciPy values", () => {
  for (const x of [0.1, 1, 10, 100, 1000]) assert.ok(rel(chi2Sf(x, 2), Math.exp(-x / 2)) < 1e-14, `df 2 at ${x}`);
  assert.ok(rel(chi2Sf(3.0, 1), 0.08326451666355042) < 1e-14);
  assert.ok(rel(chi2Sf(7.5, 4), 0.11170929281604328) < 1e-14);
  assert.ok(rel(chi2Sf(3.3333333333333335, 1), 0.06788915486182893) < 1e-13);
});

test("chi2Sf edges: x ≤ 0 → 1, ∞ → 0, df ≤ 0 or NaN → NaN", () => {
  assert.equal(chi2Sf(0, 3), 1);
  assert.equal(chi2Sf(-1, 3), 1);
  assert.equal(chi2Sf(Number.POSITIVE_INFINITY, 3), 0);
  assert.ok(Number.isNaN(chi2Sf(1, 0)));
  assert.ok(Number.isNaN(chi2Sf(Number.NaN, 2)));
  // Far tails keep their relative precision (e^−500 for df 2) until cephes would flush them to 0.
  assert.ok(rel(chi2Sf(1000, 2), Math.exp(-500)) < 1e-13);
  assert.equal(chi2Sf(1500, 2), 0);
});

test("gammaQ: series and continued-fraction sides meet smoothly around x = a", () => {
  for (const a of [0.5, 3, 40, 2500]) {
    const below = gammaQ(a, a * (1 - 4e-16));
    const above = gammaQ(a, a);
    assert.ok(Math.abs(below - above) < 1e-13, `a = ${a}`);
    assert.ok(above > 0.3 && above < 0.5);
  }
});

test("normalSf: values, symmetry and the cephes underflow at |z| > 37.68", () => {
  assert.equal(normalSf(0), 0.5);
  assert.ok(rel(normalSf(1.96), 0.024997895148220435) < 1e-14);
  for (const z of [0.3, 1, 2.5, 6]) assert.ok(Math.abs(normalSf(-z) - (1 - normalSf(z))) < 1e-16);
  assert.ok(normalSf(37.5) > 0);
  assert.equal(normalSf(38), 0);
  assert.equal(normalSf(Number.NEGATIVE_INFINITY), 1);
});
