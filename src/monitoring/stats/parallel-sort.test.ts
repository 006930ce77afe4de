import assert from "node:assert/strict";
import { test } from "node:test";
import { seededRandom } from "../../core/random.js";
import { sortedSamples } from "./parallel-sort.js";
import { sortedSample } from "./sample.js";

test("sortedSamples sorts many large columns (half on a worker thread) exactly as sortedSample does", async () => {
  const r = seededRandom(7);
  const columns = Array.from({ length: 5 }, (_, k) => {
    const v = new Float64Array(60_000 + k * 1000);
    for (let i = 0; i < v.length; i++)
      v[i] = i % 97 === 0 ? Number.NaN : i % 101 === 0 ? Number.POSITIVE_INFINITY : (r() - 0.5) * 10 ** k;
    v[3] = -0;
    v[4] = 0;
    return v;
  });
  const sorted = await sortedSamples(columns);
  assert.equal(sorted.length, columns.length);
  for (let k = 0; k < columns.length; k++) {
    assert.deepEqual(Array.from(sorted[k] as Float64Array), Array.from(sortedSample(columns[k] as Float64Array)));
  }
  // The inputs are left as they were.
  assert.ok(Number.isNaN(columns[0]?.[0]));
});

test("small inputs are sorted on this thread", async () => {
  const sorted = await sortedSamples([Float64Array.of(3, 1, Number.NaN, 2), Float64Array.of()]);
  assert.deepEqual(
    sorted.map((a) => Array.from(a)),
    [[1, 2, 3], []],
  );
});
