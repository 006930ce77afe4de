import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ByteDict, decodeDict } from "../csv/byte-dict.js";
import type { Reading } from "./plain.js";
import {
  int64Value,
  int96Value,
  plainStringOffsets,
  readPlainBools,
  readPlainNumbers,
  readPlainStrings,
  readUint32,
} from "./plain.js";

const reading = (physical: Reading["physical"], transform: Reading["transform"] = "raw", divisor = 1): Reading => ({
  physical,
  transform,
  divisor,
});

/** The low and high 32-bit words of a signed 64-bit value. */
function words(v: bigint): [number, number] {
  const u = BigInt.asUintN(64, v);
  return [Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0];
}

function bytesOf(write: (view: DataView) => void, length: number): Uint8Array {
  const buf = new Uint8Array(length);
  write(new DataView(buf.buffer));
  return buf;
}

describe("PLAIN values", () => {
  it("converts 64-bit values like hyparquet's BigInt arithmetic: raw, unsigned, timestamps truncated toward zero", () => {
    const cases: Array<[bigint, Reading["transform"], number]> = [
      [-1n, "raw", -1],
      [2n ** 62n + 1n, "raw", Number(2n ** 62n + 1n)],
      [-1n, "uint", 2 ** 64],
      [-1_500n, "micros", -1],
      [1_500n, "micros", 1],
      [-1_999_999n, "nanos", -1],
      [1_700_000_000_123_456_789n, "nanos", 1_700_000_000_123],
      [-8_000_000_000_000_001_999n, "micros", -8_000_000_000_000_001],
      [2n ** 62n, "millis", Number.NaN],
      [12345n, "decimal", 123.45],
    ];
    for (const [v, transform, expected] of cases) {
      const [lo, hi] = words(v);
      assert.ok(Object.is(int64Value(lo, hi, reading("INT64", transform, 100)), expected), `${v} ${transform}`);
    }
  });

  it("converts INT96 timestamps (nanoseconds of the day, Julian day) to epoch milliseconds", () => {
    const at = (julian: number, nanos: bigint) => int96Value(...words(nanos), julian);
    assert.equal(at(2_440_588, 0n), 0);
    assert.equal(at(2_460_311, 74_096_123_456_000n), Date.UTC(2024, 0, 1, 20, 34, 56, 123));
    assert.equal(at(2_440_587, 1_500_000n), -86_399_998);
    assert.ok(Number.isNaN(at(2_440_588 + 200_000_000, 0n)));
  });

  it("decodes each physical type into a Float64Array from an offset", () => {
    const out = new Float64Array(5).fill(-7);
    readPlainNumbers(
      bytesOf((v) => {
        v.setInt32(0, 3, true);
        v.setInt32(4, -4, true);
      }, 8),
      0,
      2,
      reading("INT32"),
      out,
      1,
    );
    assert.deepEqual(Array.from(out), [-7, 3, -4, -7, -7]);
    readPlainNumbers(
      bytesOf((v) => v.setInt32(0, -1, true), 4),
      0,
      1,
      reading("INT32", "uint"),
      out,
      0,
    );
    assert.equal(out[0], 2 ** 32 - 1);
    readPlainNumbers(
      bytesOf((v) => v.setInt32(0, 2, true), 4),
      0,
      1,
      reading("INT32", "days"),
      out,
      0,
    );
    assert.equal(out[0], 2 * 86_400_000);
    readPlainNumbers(
      bytesOf((v) => v.setBigInt64(0, -(2n ** 40n), true), 8),
      0,
      1,
      reading("INT64"),
      out,
      0,
    );
    assert.equal(out[0], -(2 ** 40));
    readPlainNumbers(
      bytesOf((v) => v.setFloat32(0, 1.1, true), 4),
      0,
      1,
      reading("FLOAT"),
      out,
      0,
    );
    assert.equal(out[0], Math.fround(1.1));
    const doubles = bytesOf((v) => {
      for (const [i, x] of [0.1, Number.NaN, -0].entries()) v.setFloat64(1 + i * 8, x, true);
    }, 25);
    assert.equal(readPlainNumbers(doubles, 1, 3, reading("DOUBLE"), out, 2), 25);
    assert.ok(Object.is(out[2], 0.1) && Number.isNaN(out[3]) && Object.is(out[4], -0));
    assert.throws(() => readPlainNumbers(doubles, 1, 4, reading("DOUBLE"), out, 0), /run past their page/);
  });

  it("decodes bit-packed booleans and length-prefixed strings into dictionary codes", () => {
    const bools = new Uint8Array(10);
    assert.equal(readPlainBools(Uint8Array.of(0b10100101, 0b1), 0, 9, bools, 1), 2);
    assert.deepEqual(Array.from(bools), [0, 1, 0, 1, 0, 0, 1, 0, 1, 1]);
    const text = new TextEncoder();
    const entries = ["pro", "", "café", "pro"].map((s) => text.encode(s));
    const page = new Uint8Array(entries.reduce((n, e) => n + 4 + e.length, 0));
    let pos = 0;
    for (const e of entries) {
      new DataView(page.buffer).setUint32(pos, e.length, true);
      page.set(e, pos + 4);
      pos += 4 + e.length;
    }
    const dict = new ByteDict();
    const codes = new Int32Array(4);
    assert.equal(readPlainStrings(page, 0, 4, dict, codes, 0), page.length);
    assert.deepEqual(Array.from(codes), [0, 1, 2, 0]);
    assert.deepEqual(decodeDict(dict.toBytes()), ["pro", "", "café"]);
    const { starts, ends } = plainStringOffsets(page, 4);
    assert.deepEqual(
      [Array.from(starts), Array.from(ends)],
      [
        [4, 11, 15, 24],
        [7, 11, 20, 27],
      ],
    );
    assert.throws(() => readPlainStrings(page.subarray(0, 10), 0, 2, dict, codes, 0), /run/);
    assert.throws(() => plainStringOffsets(page, 5), /run past/);
    assert.equal(readUint32(Uint8Array.of(0xff, 0xff, 0xff, 0xff), 0), 2 ** 32 - 1);
  });
});
