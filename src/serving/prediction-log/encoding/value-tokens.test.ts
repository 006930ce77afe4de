import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { ByteReader, ByteWriter } from "./bytes.js";
import { readToken, SCORE_AS_TEXT, writeCode, writeJsonValue, writeScoreText, writeText } from "./value-tokens.js";

function roundTrip(write: (w: ByteWriter) => void): { value: ReturnType<typeof readToken>; bytes: number } {
  const w = new ByteWriter();
  write(w);
  const r = new ByteReader(w.copy());
  const value = readToken(r);
  assert.ok(r.done, "the token is read to its end");
  return { value, bytes: w.length };
}

test("numbers come back exactly as written, -0 and 2^53 included", () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.maxSafeInteger()),
      (v) => {
        assert.ok(Object.is(roundTrip((w) => writeJsonValue(w, v)).value, v));
      },
    ),
    { numRuns: 2000 },
  );
  for (const v of [0, -0, 1, -1, 2 ** 48, -(2 ** 48), 2 ** 53, 0.1, 29.85, -1889.5, 1e-9, 123456.12345678]) {
    assert.ok(Object.is(roundTrip((w) => writeJsonValue(w, v)).value, v), String(v));
  }
});

test("the usual values are short: a category code 1 byte, tenure 2, a price 3", () => {
  assert.equal(roundTrip((w) => writeCode(w, 14)).bytes, 1);
  assert.deepEqual(roundTrip((w) => writeCode(w, 14)).value, { code: 14 });
  assert.equal(roundTrip((w) => writeJsonValue(w, 0)).bytes, 1);
  assert.equal(roundTrip((w) => writeJsonValue(w, 72)).bytes, 2);
  assert.equal(roundTrip((w) => writeJsonValue(w, 29.85)).bytes, 3);
  assert.equal(roundTrip((w) => writeJsonValue(w, 1889.5)).bytes, 4);
  assert.equal(roundTrip((w) => writeJsonValue(w, Math.PI)).bytes, 9);
});

test("strings, booleans, null, nested JSON and the score-as-text label", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (s) => {
      assert.equal(roundTrip((w) => writeText(w, s)).value, s);
    }),
  );
  assert.equal(roundTrip((w) => writeJsonValue(w, null)).value, null);
  assert.equal(roundTrip((w) => writeJsonValue(w, true)).value, true);
  assert.equal(roundTrip((w) => writeJsonValue(w, false)).value, false);
  assert.deepEqual(roundTrip((w) => writeJsonValue(w, { a: [1, "x"] })).value, { json: '{"a":[1,"x"]}' });
  assert.equal(roundTrip((w) => writeScoreText(w)).value, SCORE_AS_TEXT);
});

test("truncated bytes are refused, not read past", () => {
  const w = new ByteWriter();
  writeJsonValue(w, Math.E);
  const bytes = w.copy().subarray(0, 5);
  assert.throws(() => readToken(new ByteReader(bytes)), /truncated/);
});
