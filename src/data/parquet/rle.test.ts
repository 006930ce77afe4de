import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteWriter } from "hyparquet-writer";
import { writeRleBitPackedHybrid } from "hyparquet-writer/src/encoding.js";
import { seededRandom } from "../../core/random.js";
import { decodeHybrid } from "./rle.js";

/** Values with runs (RLE) and noise (bit-packed groups), below 2^width. */
function sample(seed: number, n: number, width: number): number[] {
  const r = seededRandom(seed);
  const max = 2 ** width;
  const out: number[] = [];
  while (out.length < n) {
    const v = Math.floor(r() * max);
    const run = r() < 0.3 ? 1 + Math.floor(r() * 40) : 1;
    for (let k = 0; k < run && out.length < n; k++) out.push(v);
  }
  return out;
}

/** One bit-packed run of `values`, bit by bit (the spec's layout, independent of any encoder). */
function packBits(values: number[], width: number): Uint8Array {
  const groups = Math.ceil(values.length / 8);
  const bytes = new Uint8Array(1 + groups * width);
  bytes[0] = (groups << 1) | 1;
  values.forEach((v, i) => {
    for (let k = 0; k < width; k++) {
      const bit = i * width + k;
      if (Math.floor(v / 2 ** k) % 2) bytes[1 + (bit >> 3)] = (bytes[1 + (bit >> 3)] as number) | (1 << (bit & 7));
    }
  });
  return bytes;
}

function decode(bytes: Uint8Array, width: number, n: number): { values: number[]; end: number } {
  const out = width > 8 ? new Int32Array(n) : new Uint8Array(n);
  const end = decodeHybrid(bytes, 0, bytes.length, width, out, 0, n);
  return { values: Array.from(out, (v) => v >>> 0), end };
}

describe("decodeHybrid", () => {
  it("decodes what another encoder wrote (RLE runs and bit-packed groups), bit widths 1 to 24", () => {
    for (let width = 1; width <= 24; width++) {
      const values = sample(width, 1000, width);
      const w = new ByteWriter();
      writeRleBitPackedHybrid(w, values, width);
      const bytes = w.getBytes();
      const got = decode(bytes, width, values.length);
      assert.deepEqual(got.values, values, `width ${width}`);
      assert.equal(got.end, bytes.length, `width ${width}: every byte consumed`);
    }
  });

  it("unpacks bit-packed groups at every bit width from 1 to 32", () => {
    // hyparquet-writer mispacks widths above 24, so these runs are packed bit by bit here.
    for (let width = 1; width <= 32; width++) {
      const values = sample(100 + width, 61, width);
      const bytes = packBits(values, width);
      assert.deepEqual(decode(bytes, width, values.length).values, values, `width ${width}`);
    }
  });

  it("reads hand-built runs: an RLE run, a bit-packed group cut short, and an offset into the output", () => {
    // RLE run of 5 threes (header 5 << 1), then one bit-packed group (header 1 << 1 | 1) of 3-bit values 0..7.
    const bytes = Uint8Array.of(10, 3, 3, 0b10001000, 0b11000110, 0b11111010);
    const out = new Uint8Array(12).fill(9);
    decodeHybrid(bytes, 0, bytes.length, 3, out, 2, 9);
    assert.deepEqual(Array.from(out), [9, 9, 3, 3, 3, 3, 3, 0, 1, 2, 3, 9]);
    const zeros = new Int32Array(4).fill(7);
    decodeHybrid(Uint8Array.of(8), 0, 1, 0, zeros, 0, 4);
    assert.deepEqual(Array.from(zeros), [0, 0, 0, 0]);
  });

  it("fails on data that ends early or a bad bit width instead of reading past its bounds", () => {
    const out = new Int32Array(16);
    assert.throws(() => decodeHybrid(Uint8Array.of(10, 3), 0, 2, 3, out, 0, 10), /ends before all values/);
    assert.throws(() => decodeHybrid(Uint8Array.of(10), 0, 1, 9, out, 0, 5), /RLE run ends past its page/);
    assert.throws(() => decodeHybrid(Uint8Array.of(3, 1), 0, 2, 8, out, 0, 8), /bit-packed run ends past/);
    assert.throws(() => decodeHybrid(Uint8Array.of(2, 1), 0, 2, 33, out, 0, 1), /bit width/);
  });
});
