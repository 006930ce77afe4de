/** The object-store contract every backend (local folder, S3) must pass. */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import type { ObjectStore } from "../object-store.js";

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

async function readAll(stream: Readable): Promise<string> {
  let read = "";
  for await (const c of stream) read += c;
  return read;
}

/** Run the contract against stores made by `fresh` (each call an empty store). */
export function objectStoreContract(name: string, fresh: () => Promise<ObjectStore>): void {
  describe(`object store contract: ${name}`, () => {
    test("stores by SHA-256, once per content; has, open and uri name it", async () => {
      const store = await fresh();
      const text = "x,y\n1,2\n";
      const first = await store.put(Readable.from([Buffer.from(text)]));
      assert.deepEqual(first, { digest: sha256(text), size: text.length, created: true });
      const again = await store.put(Readable.from([Buffer.from("x,y\n"), Buffer.from("1,2\n")]));
      assert.deepEqual(again, { ...first, created: false });
      assert.equal(await store.has(first.digest), true);
      const { stream, size } = await store.open(first.digest);
      assert.equal(size, text.length);
      assert.equal(await readAll(stream), text);
      assert.ok(store.uri(first.digest).endsWith(`${first.digest.slice(0, 2)}/${first.digest.slice(2)}`));
    });

    test("staged bytes are readable locally, invisible until commit, and gone after discard", async () => {
      const store = await fresh();
      const staged = await store.stage(Readable.from([Buffer.from("staged only")]), { suffix: ".csv" });
      assert.ok(staged.path.endsWith(".csv"));
      assert.equal(readFileSync(staged.path, "utf8"), "staged only");
      assert.equal(await store.has(staged.digest), false);
      await staged.discard();
      assert.equal(await store.has(staged.digest), false);
      const kept = await store.stage(Readable.from([Buffer.from("committed")]));
      assert.deepEqual(await kept.commit(), { created: true });
      assert.equal(await readAll((await store.open(kept.digest)).stream), "committed");
      await assert.rejects(kept.commit(), { code: "INVALID_STATE" });
    });

    test("a failing source and an oversize one store nothing", async () => {
      const store = await fresh();
      const failing = Readable.from(
        (async function* () {
          yield Buffer.from("a,b\n1,2\n");
          throw new Error("disk on fire");
        })(),
      );
      await assert.rejects(store.put(failing), /disk on fire/);
      assert.equal(await store.has(sha256("a,b\n1,2\n")), false);
      await assert.rejects(store.put(Readable.from([Buffer.alloc(100)]), { maxBytes: 10 }), {
        code: "PAYLOAD_TOO_LARGE",
      });
      assert.equal(await store.has(sha256("\0".repeat(100))), false);
    });

    test("missing and malformed digests", async () => {
      const store = await fresh();
      await assert.rejects(store.open("0".repeat(64)), { code: "RESOURCE_DOES_NOT_EXIST" });
      await assert.rejects(store.has("../etc/passwd"), { code: "INVALID_PARAMETER_VALUE" });
      await assert.rejects(store.open("../etc/passwd"), { code: "INVALID_PARAMETER_VALUE" });
    });
  });
}
