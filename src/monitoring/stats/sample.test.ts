import assert from "node:assert/strict";
import { test } from "node:test";
import {
  categoricalSample,
  countUnique,
  numericSample,
  sampleOf,
  sampleSize,
  sortedSample,
  valueCounts,
} from "./sample.js";

test("sortedSample drops NaN and ±∞ (as Evidently does) and sorts, small and large", () => {
  assert.deepEqual(
    [...sortedSample([3, Number.NaN, -1, Number.POSITIVE_INFINITY, 2, Number.NEGATIVE_INFINITY])],
    [-1, 2, 3],
  );
  const big = Array.from({ length: 10000 }, (_, i) => (i * 37) % 10000);
  big.push(Number.NaN);
  const s = sortedSample(big);
  assert.equal(s.length, 10000);
  assert.ok(s.every((v, i) => v === i));
});

test("categoricalSample counts text and skips null, undefined and NaN", () => {
  const s = categoricalSample(["a", "b", "a", null, undefined, Number.NaN, true, 1]);
  assert.deepEqual(
    [...s.counts],
    [
      ["a", 2],
      ["b", 1],
      ["true", 1],
      ["1", 1],
    ],
  );
  assert.equal(sampleSize(s), 5);
});

test("sampleOf reads non-numbers in a numerical column as missing", () => {
  const s = sampleOf([2, "x", null, 1], "numerical");
  assert.equal(s.kind, "numerical");
  assert.deepEqual(s.kind === "numerical" ? [...s.sorted] : [], [1, 2]);
  assert.equal(sampleOf(["x", "y"], "categorical").kind, "categorical");
});

test("valueCounts merges −0 with 0, as pandas does", () => {
  assert.deepEqual(
    [...valueCounts(numericSample([0, -0, 1, 1, 1]))],
    [
      [0, 2],
      [1, 3],
    ],
  );
});

test("countUnique counts across both sides and stops past the limit", () => {
  const a = numericSample([1, 2, 2, 3]);
  const b = numericSample([3, 4, -0, 0]);
  assert.equal(countUnique(a, b, 100), 5);
  assert.equal(countUnique(a, b, 2), 3, "stops at limit + 1");
  const c = categoricalSample(["x", "y"]);
  const d = categoricalSample(["y", "z", "w"]);
  assert.equal(countUnique(c, d, 100), 4);
  assert.equal(countUnique(c, d, 1), 2);
});
