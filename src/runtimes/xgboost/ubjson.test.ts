import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isMwError } from "../../core/errors.js";
import { decodeUbjson } from "./ubjson.js";

/** Bytes from chars (markers, ASCII) and numbers (raw bytes). */
function bytes(...parts: (string | number | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === "string") for (const ch of p) out.push(ch.charCodeAt(0));
    else if (typeof p === "number") out.push(p);
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

const be = (n: number, size: number, float = false): number[] => {
  const view = new DataView(new ArrayBuffer(size));
  if (float) {
    if (size === 4) view.setFloat32(0, n);
    else view.setFloat64(0, n);
  } else if (size === 8) view.setBigInt64(0, BigInt(n));
  else if (size === 4) view.setInt32(0, n);
  else if (size === 2) view.setInt16(0, n);
  else view.setInt8(0, n);
  return [...new Uint8Array(view.buffer)];
};

function refused(buf: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => decodeUbjson(buf),
    (e: unknown) => isMwError(e) && e.code === "INVALID_PARAMETER_VALUE" && pattern.test(e.message),
  );
}

describe("decodeUbjson", () => {
  test("scalars: null, booleans, every integer size, float32/64, chars, strings, high precision", () => {
    assert.equal(decodeUbjson(bytes("Z")), null);
    assert.equal(decodeUbjson(bytes("T")), true);
    assert.equal(decodeUbjson(bytes("F")), false);
    assert.equal(decodeUbjson(bytes("i", be(-5, 1))), -5);
    assert.equal(decodeUbjson(bytes("U", 200)), 200);
    assert.equal(decodeUbjson(bytes("I", be(-300, 2))), -300);
    assert.equal(decodeUbjson(bytes("l", be(70000, 4))), 70000);
    assert.equal(decodeUbjson(bytes("L", be(2 ** 40, 8))), 2 ** 40);
    assert.equal(decodeUbjson(bytes("d", be(0.1, 4, true))), Math.fround(0.1));
    assert.equal(decodeUbjson(bytes("D", be(0.1, 8, true))), 0.1);
    assert.equal(decodeUbjson(bytes("C", "x")), "x");
    assert.equal(decodeUbjson(bytes("S", "i", 3, "abc")), "abc");
    assert.equal(decodeUbjson(bytes("H", "i", 4, "1e-3")), 0.001);
  });

  test("containers as XGBoost writes them: counted, typed and length-prefixed keys", () => {
    const doc = bytes(
      "{",
      "L",
      be(1, 8),
      "a",
      "[",
      "$",
      "d",
      "#",
      "L",
      be(2, 8),
      be(1.5, 4, true),
      be(-2, 4, true),
      "L",
      be(1, 8),
      "b",
      "[",
      "#",
      "L",
      be(2, 8),
      "i",
      7,
      "S",
      "L",
      be(2, 8),
      "hi",
      "L",
      be(1, 8),
      "c",
      "[",
      "$",
      "U",
      "#",
      "i",
      3,
      0,
      1,
      255,
      "}",
    );
    assert.deepEqual({ ...(decodeUbjson(doc) as object) }, { a: [1.5, -2], b: [7, "hi"], c: [0, 1, 255] });
  });

  test("uncounted containers, no-ops and nesting", () => {
    const doc = bytes("[", "N", "i", 1, "[", "]", "{", "i", 1, "k", "T", "}", "]");
    const out = decodeUbjson(doc) as unknown[];
    assert.equal(out[0], 1);
    assert.deepEqual(out[1], []);
    assert.deepEqual({ ...(out[2] as object) }, { k: true });
  });

  test("bad documents are refused with the byte where it went wrong", () => {
    refused(bytes("l", 0, 0), /truncated \(needs 4 more bytes\) at byte 1/);
    refused(bytes("["), /truncated \(container not closed\)/);
    refused(bytes("X"), /unknown type marker 'X' at byte 0/);
    refused(bytes("S", "d", 1, 2, 3, 4), /length must be an integer, got marker 'd'/);
    refused(bytes("S", "i", be(-1, 1)), /negative length -1/);
    refused(bytes("[", "$", "d", "#", "L", be(1e9, 8)), /count 1000000000 exceeds the data/);
    refused(bytes("[", "$", "d", "]"), /a typed container needs a count/);
    refused(bytes("L", be(2 ** 53, 8)), /int64 beyond 2\^53/);
    refused(bytes("T", "T"), /1 bytes after the document/);
    refused(bytes("S", "i", 2, 0xc3, 0x28), /string is not UTF-8/);
    refused(bytes(..."[".repeat(100)), /nested too deeply/);
  });

  test("a key named __proto__ is an ordinary key", () => {
    const doc = decodeUbjson(bytes("{", "i", 9, "__proto__", "i", 1, "}")) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(doc), null);
    assert.equal(Object.getOwnPropertyDescriptor(doc, "__proto__")?.value, 1);
  });
});
