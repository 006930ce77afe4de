/** Row samples: reservoirs stay uniform when merged; a window's stratified sample takes every row when they fit. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { seededRandom } from "../../../core/random.js";
import type { RowSample } from "./row-sample.js";
import { emptySample, mergeSamples, offerRow, pickIndices } from "./row-sample.js";
import type { Stratum } from "./stratified.js";
import { Allocation, allocate, RowCollector, sampleSize, thinner } from "./stratified.js";

/** A sample of the values from..to-1 (one input, "x"). */
function sampleOf(from: number, to: number, capacity: number, random: () => number): RowSample {
  const s = emptySample(["x"], capacity);
  for (let v = from; v < to; v++) offerRow(s, [v], random);
  return s;
}

/** A window's stratified sample of in-memory bucket samples, counted first as the window reader does. */
function stratifiedRows(samples: readonly RowSample[], max: number, random: () => number) {
  const total = samples.reduce((t, s) => t + s.seen, 0);
  const thinnest = samples.reduce<Stratum | undefined>((m, s) => thinner(m, { n: s.seen, kept: s.size }), undefined);
  const collector = new RowCollector(new Allocation(total, sampleSize(total, max, thinnest), random()), random);
  for (const s of samples) collector.add(s);
  return collector.result();
}

function kept(s: RowSample): number[] {
  return [...(s.columns[0] as Float64Array).subarray(0, s.size)];
}

describe("row samples", () => {
  test("a reservoir keeps every row up to its capacity, then exactly capacity rows", () => {
    const random = seededRandom(1);
    assert.deepEqual(kept(sampleOf(0, 5, 8, random)), [0, 1, 2, 3, 4]);
    const s = sampleOf(0, 1000, 8, random);
    assert.deepEqual([s.seen, s.size, new Set(kept(s)).size], [1000, 8, 8]);
  });

  test("merged reservoirs draw from each side in proportion to its rows (every row about equally likely)", () => {
    const random = seededRandom(2);
    let fromSmall = 0;
    const hits = new Float64Array(400);
    const trials = 3000;
    for (let t = 0; t < trials; t++) {
      // 100 rows on one side, 300 on the other, each side's sample holding 10 of them.
      const merged = mergeSamples(sampleOf(0, 100, 10, random), sampleOf(100, 400, 10, random), 10, random);
      assert.equal(merged.seen, 400);
      for (const v of kept(merged)) {
        if (v < 100) fromSmall++;
        (hits[v] as number)++;
      }
    }
    const share = fromSmall / (trials * 10);
    assert.ok(Math.abs(share - 0.25) < 0.02, `share from the smaller side ${share}`);
    // Each row's inclusion rate is 10/400; a row from either side within 40% of it.
    const expected = (trials * 10) / 400;
    for (const h of hits) assert.ok(Math.abs(h - expected) < 0.4 * expected, `${h} vs ${expected}`);
  });

  test("pickIndices gives k distinct sorted indices", () => {
    const idx = pickIndices(50, 20, seededRandom(3));
    assert.equal(new Set(idx).size, 20);
    assert.ok([...idx].every((v, i) => v < 50 && (i === 0 || v > (idx[i - 1] as number))));
    assert.throws(() => pickIndices(3, 4, Math.random), RangeError);
  });
});

describe("stratified window samples", () => {
  test("when every bucket kept all its rows and they fit, every row is taken", () => {
    const random = seededRandom(4);
    const buckets = [sampleOf(0, 10, 16, random), sampleOf(10, 25, 16, random)];
    const { columns, size } = stratifiedRows(buckets, 100, random);
    assert.deepEqual(size, { size: 25, total: 25 });
    assert.deepEqual(
      [...(columns.get("x") as Float64Array)].sort((a, b) => a - b),
      Array.from({ length: 25 }, (_, i) => i),
    );
  });

  test("allocation is proportional, sums to the size, and is bounded by the thinnest bucket", () => {
    const random = seededRandom(5);
    const take = allocate(
      [
        { n: 1000, kept: 500 },
        { n: 3000, kept: 500 },
      ],
      10_000,
      random,
    );
    // The second bucket kept 1 in 6 rows: the whole sample is 4000 / 6, a quarter of it from the first.
    assert.equal(
      take.reduce((a, b) => a + b, 0),
      666,
    );
    assert.ok([166, 167].includes(take[0] as number), String(take));
    const capped = allocate(
      [
        { n: 100, kept: 100 },
        { n: 300, kept: 300 },
      ],
      40,
      random,
    );
    assert.deepEqual(capped, [10, 30]);
    assert.deepEqual(allocate([], 10, random), []);
  });

  test("a bucket without the input contributes missing values (left out by the tests)", () => {
    const random = seededRandom(6);
    const other = emptySample(["y"], 4);
    offerRow(other, [1], random);
    const { columns } = stratifiedRows([sampleOf(0, 2, 4, random), other], 10, random);
    const x = [...(columns.get("x") as Float64Array)];
    assert.deepEqual([x.filter(Number.isNaN).length, x.length], [1, 3]);
  });
});
