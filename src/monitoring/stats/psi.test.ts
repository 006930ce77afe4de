import assert from "node:assert/strict";
import { test } from "node:test";
import { psi } from "./psi.js";

test("PSI of identical distributions is 0; of shifted ones, the sum of (r − c)·ln(r/c)", () => {
  assert.equal(psi([10, 20, 30], [1, 2, 3]), 0);
  // Shares 0.5/0.5 vs 0.25/0.75.
  const expected = (0.5 - 0.25) * Math.log(0.5 / 0.25) + (0.5 - 0.75) * Math.log(0.5 / 0.75);
  assert.ok(Math.abs(psi([50, 50], [25, 75]) - expected) < 1e-15);
  assert.ok(Math.abs(psi([50, 50], [25, 75]) - psi([25, 75], [50, 50])) < 1e-15, "symmetric");
});

test("an empty bin counts as a share of 0.0001 (or min share / 1e6 when that is smaller)", () => {
  const expected = (0.5 - 0.0001) * Math.log(0.5 / 0.0001) + (0.5 - 1) * Math.log(0.5 / 1);
  assert.ok(Math.abs(psi([1, 1], [0, 10]) - expected) < 1e-12);
  // The smallest non-zero share is 1/20001 ≤ 0.0001: zeros become (1/20001)/1e6.
  const tiny = 1 / 20001;
  const fill = tiny / 1e6;
  const ref = [tiny, 20000 / 20001, fill];
  const cur = [0.5, 0.25, 0.25];
  let sum = 0;
  for (let i = 0; i < 3; i++)
    sum += ((ref[i] as number) - (cur[i] as number)) * Math.log((ref[i] as number) / (cur[i] as number));
  assert.ok(Math.abs(psi([1, 20000, 0], [2, 1, 1]) - sum) < 1e-9);
});

test("misaligned bins are refused; an empty side gives NaN", () => {
  assert.throws(() => psi([1, 2], [1]), /aligned bins/);
  assert.ok(Number.isNaN(psi([0, 0], [1, 2])));
});
