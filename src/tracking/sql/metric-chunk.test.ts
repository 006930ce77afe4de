import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeChunk, encodeChunk, mergePoints, sortPoints, splitChunks } from "./metric-chunk.js";

const arr = (p: { step: Float64Array; ts: Float64Array; value: Float64Array }) =>
  Array.from(p.step, (s, i) => [s, p.ts[i], p.value[i]]);

test("points sort by step, timestamp, value with NaN last, and identical points are kept once", () => {
  const p = sortPoints([2, 1, 1, 1, 1, 1, 0], [5, 9, 3, 3, 3, 3, 7], [0.5, 1, Number.NaN, 2, Number.NaN, -1, 4]);
  assert.deepEqual(arr(p), [
    [0, 7, 4],
    [1, 3, -1],
    [1, 3, 2],
    [1, 3, Number.NaN],
    [1, 9, 1],
    [2, 5, 0.5],
  ]);
  const sorted = sortPoints([1, 2, 3], [0, 0, 0], [9, 8, 7]);
  assert.deepEqual(arr(sorted), [
    [1, 0, 9],
    [2, 0, 8],
    [3, 0, 7],
  ]);
});

test("merging overlapping point sets keeps one sorted, de-duplicated sequence", () => {
  const a = sortPoints([0, 1, 2], [0, 0, 0], [1, 1, 1]);
  const b = sortPoints([1, 2, 3], [0, 0, 0], [1, 5, 1]);
  assert.deepEqual(arr(mergePoints([a, b])), [
    [0, 0, 1],
    [1, 0, 1],
    [2, 0, 1],
    [2, 0, 5],
    [3, 0, 1],
  ]);
});

test("chunks split at the size limit but never inside one (step, timestamp)", () => {
  const steps = [0, 1, 1, 1, 2, 3, 3, 3, 3, 3, 3, 4];
  const p = sortPoints(
    steps,
    steps.map(() => 0),
    steps.map((_, i) => i),
  );
  const chunks = splitChunks(p, 3);
  assert.equal(
    chunks.reduce((n, c) => n + c.step.length, 0),
    steps.length,
  );
  for (let i = 1; i < chunks.length; i++) {
    const prev = chunks[i - 1] as (typeof chunks)[number];
    const cur = chunks[i] as (typeof chunks)[number];
    assert.ok((prev.step[prev.step.length - 1] as number) < (cur.step[0] as number), "chunks do not share a step here");
  }
  // The six points at step 3 exceed the limit and stay together.
  assert.ok(chunks.some((c) => c.step.length === 6 && c.step.every((s) => s === 3)));
  assert.ok(chunks.filter((c) => !c.step.every((s) => s === 3)).every((c) => c.step.length <= 3));
});

test("chunk blobs round-trip non-finite values, also from an unaligned buffer", () => {
  const p = sortPoints(
    [0, 1, 2, 3],
    [10, 11, 12, 13],
    [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1],
  );
  const blob = encodeChunk(p);
  const unaligned = Buffer.concat([Buffer.from([1, 2, 3]), blob]).subarray(3);
  for (const b of [blob, unaligned]) assert.deepEqual(arr(decodeChunk(b)), arr(p));
});
