import assert from "node:assert/strict";
import { test } from "node:test";
import type { WireBatch } from "./frames.js";
import { concatBatches, encodeBatch, encodeFrame, FrameReader, scoresOf } from "./frames.js";

test("frames survive being split into arbitrary chunks, body 8-aligned in the payload", () => {
  const scores = Float64Array.from([0.25, -1.5, Number.NaN]);
  const bytes = Buffer.concat([encodeFrame({ ok: true, width: 1 }, [scores]), encodeFrame({ ok: false, error: "é" })]);
  for (const size of [1, 3, 7, bytes.length]) {
    const reader = new FrameReader();
    const frames = [];
    for (let at = 0; at < bytes.length; at += size) frames.push(...reader.push(bytes.subarray(at, at + size)));
    assert.equal(frames.length, 2);
    assert.deepEqual(frames[0]?.header, { ok: true, width: 1 });
    assert.deepEqual([...scoresOf(frames[0]?.body as Buffer, 3)], [0.25, -1.5, Number.NaN]);
    assert.deepEqual(frames[1]?.header, { ok: false, error: "é" });
  }
});

test("batches concatenate column by column, string dictionaries merged and missing kept", () => {
  const a: WireBatch = {
    rows: 2,
    columns: [
      { name: "x", type: "f", values: Float64Array.from([1, 2]) },
      { name: "s", type: "s", codes: Int32Array.from([0, -1]), dictionary: ["b"] },
    ],
  };
  const b: WireBatch = {
    rows: 1,
    columns: [
      { name: "x", type: "f", values: Float64Array.from([3]) },
      { name: "s", type: "s", codes: Int32Array.from([1]), dictionary: ["a", "b"] },
    ],
  };
  const c = concatBatches([a, b]);
  assert.equal(c.rows, 3);
  const [x, s] = c.columns;
  assert.deepEqual(x?.type === "f" ? [...x.values] : undefined, [1, 2, 3]);
  assert.ok(s?.type === "s");
  assert.deepEqual(
    [...s.codes].map((k) => (k < 0 ? null : s.dictionary[k])),
    ["b", null, "b"],
  );
});

test("a predict frame carries names, types and dictionaries in its header and columns in its body", () => {
  const frame = encodeBatch({
    rows: 3,
    columns: [
      { name: "s", type: "s", codes: Int32Array.from([0, 1, -1]), dictionary: ["p", "q"] },
      { name: "t", type: "t", values: Float64Array.from([0, 1, 2]) },
    ],
  });
  const [decoded] = new FrameReader().push(frame);
  assert.deepEqual(decoded?.header, {
    op: "predict",
    rows: 3,
    cols: [
      { n: "s", t: "s", dict: ["p", "q"] },
      { n: "t", t: "t" },
    ],
  });
  // int32 codes padded to 8 bytes, then float64 values.
  assert.equal(decoded?.body.length, 16 + 24);
  assert.equal(decoded?.body.readInt32LE(8), -1);
  assert.equal(decoded?.body.readDoubleLE(16 + 16), 2);
});
