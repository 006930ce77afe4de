import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isPyGlobal, isPyObject, isPyTuple, PickleError, readPickle } from "./inert-pickle.js";

/**
 * `pickle.dumps(v, protocol=p)` by CPython 3.11 for
 * v = {'a': [1, 2.5, 'x', None, True, False, -7, 2**40, -2**70, b'\x00\x01'], 'b': (1,), 'c': (1, 2),
 *      'd': (1, 2, 3), 'e': (1, 2, 3, 4), 's': {5}, 'u': 'é€'}
 */
const DUMPS: Record<number, string> = {
  0: "KGRwMApWYQpwMQoobHAyCkkxCmFGMi41CmFWeApwMwphTmFJMDEKYUkwMAphSS03CmFMMTA5OTUxMTYyNzc3NkwKYUwtMTE4MDU5MTYyMDcxNzQxMTMwMzQyNEwKYWNfY29kZWNzCmVuY29kZQpwNAooVlx1MDAwMAEKcDUKVmxhdGluMQpwNgp0cDcKUnA4CmFzVmIKcDkKKEkxCnRwMTAKc1ZjCnAxMQooSTEKSTIKdHAxMgpzVmQKcDEzCihJMQpJMgpJMwp0cDE0CnNWZQpwMTUKKEkxCkkyCkkzCkk0CnRwMTYKc1ZzCnAxNwpjX19idWlsdGluX18Kc2V0CnAxOAooKGxwMTkKSTUKYXRwMjAKUnAyMQpzVnUKcDIyClbpXHUyMGFjCnAyMwpzLg==",
  1: "fXEAKFgBAAAAYXEBXXECKEsBR0AEAAAAAAAAWAEAAAB4cQNOSTAxCkkwMApK+f///0wxMDk5NTExNjI3Nzc2TApMLTExODA1OTE2MjA3MTc0MTEzMDM0MjRMCmNfY29kZWNzCmVuY29kZQpxBChYAgAAAAABcQVYBgAAAGxhdGluMXEGdHEHUnEIZVgBAAAAYnEJKEsBdHEKWAEAAABjcQsoSwFLAnRxDFgBAAAAZHENKEsBSwJLA3RxDlgBAAAAZXEPKEsBSwJLA0sEdHEQWAEAAABzcRFjX19idWlsdGluX18Kc2V0CnESKF1xE0sFYXRxFFJxFVgBAAAAdXEWWAUAAADDqeKCrHEXdS4=",
  2: "gAJ9cQAoWAEAAABhcQFdcQIoSwFHQAQAAAAAAABYAQAAAHhxA06IiUr5////igYAAAAAAAGKCQAAAAAAAAAAwGNfY29kZWNzCmVuY29kZQpxBFgCAAAAAAFxBVgGAAAAbGF0aW4xcQaGcQdScQhlWAEAAABicQlLAYVxClgBAAAAY3ELSwFLAoZxDFgBAAAAZHENSwFLAksDh3EOWAEAAABlcQ8oSwFLAksDSwR0cRBYAQAAAHNxEWNfX2J1aWx0aW5fXwpzZXQKcRJdcRNLBWGFcRRScRVYAQAAAHVxFlgFAAAAw6nigqxxF3Uu",
  3: "gAN9cQAoWAEAAABhcQFdcQIoSwFHQAQAAAAAAABYAQAAAHhxA06IiUr5////igYAAAAAAAGKCQAAAAAAAAAAwEMCAAFxBGVYAQAAAGJxBUsBhXEGWAEAAABjcQdLAUsChnEIWAEAAABkcQlLAUsCSwOHcQpYAQAAAGVxCyhLAUsCSwNLBHRxDFgBAAAAc3ENY2J1aWx0aW5zCnNldApxDl1xD0sFYYVxEFJxEVgBAAAAdXESWAUAAADDqeKCrHETdS4=",
  4: "gASVfwAAAAAAAAB9lCiMAWGUXZQoSwFHQAQAAAAAAACMAXiUToiJSvn///+KBgAAAAAAAYoJAAAAAAAAAADAQwIAAZRljAFilEsBhZSMAWOUSwFLAoaUjAFklEsBSwJLA4eUjAFllChLAUsCSwNLBHSUjAFzlI+UKEsFkIwBdZSMBcOp4oKslHUu",
  5: "gAWVfwAAAAAAAAB9lCiMAWGUXZQoSwFHQAQAAAAAAACMAXiUToiJSvn///+KBgAAAAAAAYoJAAAAAAAAAADAQwIAAZRljAFilEsBhZSMAWOUSwFLAoaUjAFklEsBSwJLA4eUjAFllChLAUsCSwNLBHSUjAFzlI+UKEsFkIwBdZSMBcOp4oKslHUu",
};

/** Bytes, or `_codecs.encode(text, 'latin1')` as protocols 0-2 write bytes, as a plain array. */
function bytesValue(v: unknown): number[] {
  if (v instanceof Uint8Array) return [...v];
  assert.ok(isPyObject(v) && isPyGlobal(v.callable, "_codecs", "encode"));
  return [...(v.args[0] as string)].map((c) => c.charCodeAt(0));
}

/** A set as pickled: a set (protocol ≥ 4) or `set([...])` by REDUCE. */
function setValue(v: unknown): unknown[] {
  if (v instanceof Set) return [...v];
  assert.ok(isPyObject(v) && isPyGlobal(v.callable, ["builtins", "__builtin__"], "set"));
  return v.args[0] as unknown[];
}

describe("inert pickle reader", () => {
  for (const [protocol, b64] of Object.entries(DUMPS)) {
    test(`protocol ${protocol}: every value of the dict reads back`, () => {
      const top = readPickle(Buffer.from(b64, "base64"));
      assert.ok(top instanceof Map);
      const a = top.get("a") as unknown[];
      assert.deepEqual(a.slice(0, 8), [1, 2.5, "x", null, true, false, -7, 2 ** 40]);
      assert.equal(a[8], -(2n ** 70n));
      assert.deepEqual(bytesValue(a[9]), [0, 1]);
      for (const [key, n] of [
        ["b", 1],
        ["c", 2],
        ["d", 3],
        ["e", 4],
      ] as const) {
        const t = top.get(key);
        assert.ok(isPyTuple(t), key);
        assert.deepEqual(t.items, [1, 2, 3, 4].slice(0, n));
      }
      assert.deepEqual(setValue(top.get("s")), [5]);
      assert.equal(top.get("u"), "é€");
    });
  }

  test("a call is recorded, never made", () => {
    // pickle.dumps of an object whose __reduce__ is (os.system, ('touch /tmp/pwned',)), protocol 0.
    const evil = Buffer.from("cos\nsystem\n(Vtouch /tmp/pwned\ntR.", "latin1");
    const v = readPickle(evil);
    assert.ok(isPyObject(v) && isPyGlobal(v.callable, "os", "system"));
    assert.deepEqual(v.args, ["touch /tmp/pwned"]);
  });

  test("truncated, unknown or unbalanced input is a PickleError, not a crash", () => {
    const full = Buffer.from(DUMPS[4] as string, "base64");
    for (const n of [0, 1, 5, 20, 60, full.length - 1]) {
      assert.throws(() => readPickle(full.subarray(0, n)), PickleError, `cut at ${n}`);
    }
    assert.throws(() => readPickle(Buffer.from([0x80, 0x05, 0x97, 0x2e])), /unsupported opcode 0x97/);
    assert.throws(() => readPickle(Buffer.from("0.", "latin1")), /stack underflow/);
    assert.throws(
      () => readPickle(Buffer.from([0x80, 0x05, 0x8e, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])),
      /past the end/,
    );
    assert.throws(() => readPickle(Buffer.from("h\x07.", "latin1")), /memo 7 unset/);
  });
});
