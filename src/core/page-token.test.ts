import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MwError } from "./errors.js";
import { decodePageToken, encodePageToken } from "./page-token.js";

const invalid = (e: unknown) =>
  e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE" && e.message.startsWith("Invalid page token");

describe("page tokens", () => {
  test("round-trip offsets through an opaque base64url token", () => {
    for (const offset of [0, 1, 100, 50_000, 2 ** 40]) assert.equal(decodePageToken(encodePageToken(offset)), offset);
    assert.equal(encodePageToken(100), Buffer.from('{"offset":100}').toString("base64url"));
    assert.match(encodePageToken(123_456), /^[A-Za-z0-9_-]+$/);
  });

  test("absent or empty means the first page", () => {
    assert.equal(decodePageToken(undefined), 0);
    assert.equal(decodePageToken(""), 0);
  });

  test("accepts MLflow's standard base64 tokens", () => {
    assert.equal(decodePageToken(Buffer.from('{"offset": 7}').toString("base64")), 7);
  });

  test("rejects malformed tokens", () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64url");
    for (const token of [
      "not a token!",
      "   ",
      b64("not json"),
      b64("[]"),
      b64("null"),
      b64('{"offset":-1}'),
      b64('{"offset":1.5}'),
      b64('{"offset":"3"}'),
      b64('{"cursor":3}'),
    ]) {
      assert.throws(() => decodePageToken(token), invalid, token);
    }
  });
});
