import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { newRequestId } from "../../scoring/request-id.js";
import { decodeId, encodeId, keyHash, uuidV7Time } from "./compact-id.js";

test("server request ids (UUIDv7) take 16 bytes and come back as they were", () => {
  for (let i = 0; i < 100; i++) {
    const id = newRequestId(1_700_000_000_000 + i);
    const bytes = encodeId(id);
    assert.ok(bytes.length === 16 || id.startsWith("00"));
    assert.equal(decodeId(bytes), id);
  }
});

test("any other id round-trips as text, including UUID-like ones in capitals or starting with 00", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 128 }), (id) => {
      assert.equal(decodeId(encodeId(id)), id);
    }),
    { numRuns: 1000 },
  );
  for (const id of ["00000000-0000-7000-8000-000000000000", "0190A1B2-0000-7000-8000-000000000000", "req-1", ""]) {
    assert.equal(decodeId(encodeId(id)), id);
    assert.equal(encodeId(id)[0], 0);
  }
});

test("stored UUIDs sort as their text does", () => {
  const ids = Array.from({ length: 200 }, (_, i) => newRequestId(1_700_000_000_000 + (i % 7)));
  const byText = [...ids].sort();
  const byBytes = [...ids].sort((a, b) => Buffer.compare(encodeId(a), encodeId(b)));
  assert.deepEqual(byBytes, byText);
});

test("key hashes are 48-bit integers, stable, and differ for near keys", () => {
  const h = keyHash("7590-VHVEG");
  assert.equal(h, keyHash("7590-VHVEG"));
  assert.ok(Number.isSafeInteger(h) && h >= 0 && h < 2 ** 48);
  const seen = new Set(Array.from({ length: 20_000 }, (_, i) => keyHash(`cust-${i}`)));
  assert.equal(seen.size, 20_000);
});

test("the UUID scan agrees with the 8-4-4-4-12 pattern on near-UUIDs (one character changed)", () => {
  const pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const base = newRequestId(1_700_000_000_123);
  const chars = "0123456789abcdefgABCDEF-_ z\u00e9";
  fc.assert(
    fc.property(fc.nat(35), fc.constantFrom(...chars), fc.boolean(), (at, c, shorten) => {
      const id = shorten ? base.slice(0, at) : base.slice(0, at) + c + base.slice(at + 1);
      const uuid = pattern.test(id);
      const bytes = encodeId(id);
      assert.equal(bytes.length === 16 && bytes[0] !== 0, uuid && !id.startsWith("00"), id);
      if (uuid && !id.startsWith("00")) assert.equal(bytes.toString("hex"), id.replaceAll("-", ""));
      assert.equal(decodeId(bytes), id);
      const time = uuid && id[14] === "7" ? Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16) : undefined;
      assert.equal(uuidV7Time(id), time, id);
    }),
    { numRuns: 2000 },
  );
  assert.equal(uuidV7Time(base), 1_700_000_000_123);
});
