import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { objectStoreContract } from "../test-support/object-store-contract.js";
import { LocalObjectStore } from "./local-object-store.js";

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A stream that yields some bytes, then fails. */
function failingSource(): Readable {
  return Readable.from(
    (async function* () {
      yield Buffer.from("a,b\n1,2\n");
      throw new Error("disk on fire");
    })(),
  );
}

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name));
  } catch {
    return [];
  }
}

const contractRoots: string[] = [];
after(() => {
  for (const r of contractRoots) rmSync(r, { recursive: true, force: true });
});
objectStoreContract("local folder", async () => {
  const r = mkdtempSync(join(tmpdir(), "mw-objects-c-"));
  contractRoots.push(r);
  return new LocalObjectStore(r);
});

describe("LocalObjectStore", () => {
  let root: string;
  let store: LocalObjectStore;
  before(() => {
    root = mkdtempSync(join(tmpdir(), "mw-objects-"));
    store = new LocalObjectStore(root);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test("stores by SHA-256 under sha256/ab/cdef..., once per content", async () => {
    const text = "x,y\n1,2\n";
    const first = await store.put(Readable.from([Buffer.from(text)]));
    assert.equal(first.digest, sha256(text));
    assert.equal(first.size, text.length);
    assert.equal(first.created, true);
    const path = join(root, "sha256", first.digest.slice(0, 2), first.digest.slice(2));
    assert.equal(readFileSync(path, "utf8"), text);
    const again = await store.put(Readable.from([Buffer.from("x,y\n"), Buffer.from("1,2\n")]));
    assert.deepEqual(again, { ...first, created: false });
    assert.equal(filesUnder(join(root, "sha256")).length, 1);
    assert.equal(await store.has(first.digest), true);
    const { stream, size } = await store.open(first.digest);
    assert.equal(size, text.length);
    let read = "";
    for await (const c of stream) read += c;
    assert.equal(read, text);
  });

  test("staged bytes are invisible until commit and gone after discard", async () => {
    const staged = await store.stage(Readable.from([Buffer.from("staged only")]), { suffix: ".csv" });
    assert.ok(staged.path.endsWith(".csv"));
    assert.equal(readFileSync(staged.path, "utf8"), "staged only");
    assert.equal(await store.has(staged.digest), false);
    await staged.discard();
    assert.equal(await store.has(staged.digest), false);
    assert.deepEqual(filesUnder(join(root, "tmp")), []);
  });

  test("a failing source stream leaves no object and no temp file", async () => {
    const before = filesUnder(root).length;
    await assert.rejects(store.put(failingSource()), /disk on fire/);
    assert.equal(filesUnder(root).length, before);
    assert.deepEqual(filesUnder(join(root, "tmp")), []);
  });

  test("maxBytes refuses oversize uploads with PAYLOAD_TOO_LARGE", async () => {
    await assert.rejects(store.put(Readable.from([Buffer.alloc(100)]), { maxBytes: 10 }), {
      code: "PAYLOAD_TOO_LARGE",
    });
    assert.deepEqual(filesUnder(join(root, "tmp")), []);
  });

  test("missing and malformed digests", async () => {
    await assert.rejects(store.open("0".repeat(64)), { code: "RESOURCE_DOES_NOT_EXIST" });
    await assert.rejects(store.has("../etc/passwd"), { code: "INVALID_PARAMETER_VALUE" });
  });
});
