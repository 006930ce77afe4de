import assert from "node:assert/strict";
import { test } from "node:test";
import { kstwoSf, pelzGoodCdf } from "./kolmogorov.js";
import { durbinMatrixCdf, pomeranzCdf } from "./kolmogorov-exact.js";
import { smirnovSf } from "./smirnov.js";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test("kstwoSf outside the support and at n = 1", () => {
  assert.equal(kstwoSf(10, 0.05), 1, "x ≤ 1/2n");
  assert.equal(kstwoSf(10, 1), 0);
  // D_1 = max(U, 1 − U): P(D_1 > x) = 2(1 − x) on [½, 1].
  assert.ok(Math.abs(kstwoSf(1, 0.7) - 0.6) < 1e-15);
});

test("kstwoSf matches SciPy's kstwo.sf", () => {
  assert.ok(rel(kstwoSf(20, 0.3), 0.04306706665851623) < 1e-12);
  assert.ok(rel(kstwoSf(1000, 0.05), 0.013012074781090332) < 1e-12);
});

test("kstwoSf falls as x grows, across the method boundaries", () => {
  for (const n of [7, 140, 141, 5000, 200000]) {
    let prev = 1;
    for (let i = 1; i < 400; i++) {
      const p = kstwoSf(n, i / 400);
      assert.ok(p <= prev + 1e-12, `n = ${n}, x = ${i / 400}: ${p} > ${prev}`);
      prev = p;
    }
  }
});

test("Durbin's matrix and Pomeranz's recursion agree (both exact); Pelz–Good is close for large n", () => {
  for (const [n, x] of [
    [20, 0.15],
    [50, 0.1],
    [100, 0.09],
    [140, 0.12],
  ] as const) {
    assert.ok(Math.abs(durbinMatrixCdf(n, x) - pomeranzCdf(n, x)) < 1e-12, `n = ${n}, x = ${x}`);
  }
  assert.ok(Math.abs(durbinMatrixCdf(50000, 0.003) - pelzGoodCdf(50000, 0.003)) < 1e-6);
});

test("smirnovSf: closed forms at the ends and the Birnbaum–Tingey sum in between", () => {
  assert.equal(smirnovSf(1, 0.3), 0.7);
  assert.ok(Math.abs(smirnovSf(10, 0.95) - 0.05 ** 10) < 1e-25, "x ≥ 1 − 1/n: (1 − x)^n");
  assert.ok(Math.abs(smirnovSf(2, 0.6) - 0.16) < 1e-15, "n = 2, x ≥ ½: (1 − x)²");
  // n = 3, x = 0.4: x·Σ_{v=0,1} C(3,v)(x + v/3)^(v−1)(1 − x − v/3)^(3−v) = 0.6³ + 3·0.4·(4/15)² = 0.30133…
  assert.ok(Math.abs(smirnovSf(3, 0.4) - (0.216 + 1.2 * (4 / 15) ** 2)) < 1e-15);
  // Large n approaches exp(−2nx²).
  const n = 100000;
  const x = 0.005;
  assert.ok(rel(smirnovSf(n, x), Math.exp(-2 * n * x * x)) < 0.05);
});
