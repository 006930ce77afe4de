import assert from "node:assert/strict";
import { test } from "node:test";
import { binnedCounts, compareCodePoints, histogram, linspace, sturgesEdges } from "./binning.js";
import { categoricalSample, numericSample } from "./sample.js";

const range = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

test("sturgesEdges matches np.histogram_bin_edges(x, 'sturges')", () => {
  // np.arange(100): ptp 99, log2(100) + 1 = 7.64 → 8 bins.
  assert.deepEqual(
    sturgesEdges(range(100), new Float64Array(0)),
    [0, 12.375, 24.75, 37.125, 49.5, 61.875, 74.25, 86.625, 99],
  );
  assert.deepEqual(
    sturgesEdges(Float64Array.from([0, 0.1, 0.3]), Float64Array.from([1])),
    [0, 0.3333333333333333, 0.6666666666666666, 1],
  );
  assert.deepEqual(sturgesEdges(Float64Array.from([5]), Float64Array.from([5])), [4.5, 5.5], "a constant widens by ½");
});

test("linspace is i·step + start with the stop set exactly", () => {
  assert.deepEqual(linspace(0, 1, 4), [0, 1 / 3, 2 / 3, 1]);
  assert.deepEqual(linspace(1e-320, 2e-320, 3), [1e-320, 1.5e-320, 2e-320]);
});

test("histogram: left-closed bins, the last one closed on both sides", () => {
  assert.deepEqual(histogram(Float64Array.from([0, 0.1, 0.3, 1]), [0, 1 / 3, 2 / 3, 1]), [3, 0, 1]);
  assert.deepEqual(histogram(Float64Array.from([1, 2, 2, 3]), [1, 2, 3]), [1, 3]);
});

test("more than 20 distinct reference values → sturges histogram over both sides", () => {
  const bins = binnedCounts(numericSample(range(21)), numericSample([100]));
  assert.equal(bins.labels, undefined);
  assert.equal(bins.edges?.[0], 0);
  assert.equal(bins.edges?.at(-1), 100);
  assert.equal(
    bins.reference.reduce((s, c) => s + c, 0),
    21,
  );
  assert.deepEqual(bins.current.slice(-1), [1]);
});

test("20 or fewer distinct reference values → per-value counts over the union", () => {
  const bins = binnedCounts(numericSample([1, 1, 2]), numericSample([2, 3, 3, 3]));
  assert.deepEqual(bins, { labels: ["1", "2", "3"], reference: [2, 1, 0], current: [0, 1, 3] });
  const cat = binnedCounts(categoricalSample(["b", "a", "b"]), categoricalSample(["c"]));
  assert.deepEqual(cat, { labels: ["a", "b", "c"], reference: [1, 2, 0], current: [0, 0, 1] });
});

test("samples of different kinds are refused; text sorts by code point", () => {
  assert.throws(() => binnedCounts(numericSample([1]), categoricalSample(["1"])), RangeError);
  assert.deepEqual(["😀", "ｚ", "z"].sort(compareCodePoints), ["z", "ｚ", "😀"]);
});
