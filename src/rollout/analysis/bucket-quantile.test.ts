import assert from "node:assert/strict";
import { test } from "node:test";
import { bucketDelta, bucketQuantile } from "./bucket-quantile.js";

const bounds = [0.001, 0.002, 0.005, 0.01];

test("quantiles interpolate within the bucket like histogram_quantile", () => {
  // 100 observations: 50 ≤ 1 ms, 40 in (1, 2], 10 in (2, 5].
  const h = { bounds, counts: [50, 40, 10, 0, 0] };
  assert.equal(bucketQuantile(0.5, h), 0.001);
  assert.ok(Math.abs(bucketQuantile(0.7, h) - (0.001 + 0.001 * (20 / 40))) < 1e-15);
  assert.ok(Math.abs(bucketQuantile(0.99, h) - (0.002 + 0.003 * (9 / 10))) < 1e-15);
  assert.ok(Math.abs(bucketQuantile(0.25, h) - 0.0005) < 1e-15, "the first bucket starts at 0");
});

test("a rank in the +Inf bucket gives the highest finite bound; no observations give NaN", () => {
  assert.equal(bucketQuantile(0.99, { bounds, counts: [1, 0, 0, 0, 99] }), 0.01);
  assert.ok(Number.isNaN(bucketQuantile(0.99, { bounds, counts: [0, 0, 0, 0, 0] })));
});

test("a window is the difference of two snapshots", () => {
  const before = { bounds, counts: [5, 1, 0, 0, 0] };
  const after = { bounds, counts: [7, 4, 1, 0, 0] };
  assert.deepEqual(bucketDelta(before, after).counts, [2, 3, 1, 0, 0]);
  assert.throws(() => bucketDelta({ bounds, counts: [1] }, after), /different histograms/);
});
