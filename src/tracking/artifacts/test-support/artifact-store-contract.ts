/**
 * The artifact-store contract: every backend (local folder, S3) must pass these. Backends add their
 * own tests for what only they can show (temp files on disk, symlinks).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import { isMwError } from "../../../core/errors.js";
import type { ArtifactStore } from "../artifact-store.js";
import { listRelative } from "../artifact-store.js";
import { TRAVERSAL_INPUTS } from "./traversal-inputs.js";

/** Run the contract against stores made by `fresh` (each call an empty store). */
export function artifactStoreContract(name: string, fresh: () => Promise<ArtifactStore>): void {
  describe(`artifact store contract: ${name}`, () => {
    test("a 20 MB upload round-trips through streams with the same SHA-256", async () => {
      const store = await fresh();
      const size = 20 * 1024 * 1024;
      const sent = createHash("sha256");
      assert.deepEqual(await store.put("big/blob.bin", generated(size, sent)), { size });
      const got = await store.get("big/blob.bin");
      assert.equal(got.size, size);
      const received = createHash("sha256");
      let chunks = 0;
      for await (const c of got.stream) {
        received.update(c as Buffer);
        chunks++;
      }
      assert.equal(received.digest("hex"), sent.digest("hex"));
      assert.ok(chunks > 1, `streamed in ${chunks} chunks`);
    });

    test("a source that fails mid-way keeps the old content and shows nothing new", async () => {
      const store = await fresh();
      await store.put("d/a.txt", body("old"));
      await assert.rejects(store.put("d/a.txt", failing(1024 * 1024)), /client went away/);
      assert.equal(await readAll((await store.get("d/a.txt")).stream), "old");
      await assert.rejects(store.put("d/new.txt", failing(10)), /client went away/);
      assert.deepEqual(await store.list("d"), [{ path: "a.txt", is_dir: false, file_size: 3 }]);
    });

    test("maxBytes refuses larger bodies with PAYLOAD_TOO_LARGE and keeps the old file", async () => {
      const store = await fresh();
      assert.deepEqual(await store.put("f.txt", body("0123456789"), { maxBytes: 10 }), { size: 10 });
      await assert.rejects(store.put("f.txt", body("0123456789A"), { maxBytes: 10 }), code("PAYLOAD_TOO_LARGE"));
      await assert.rejects(
        store.put("f.txt", generated(20 * 1024 * 1024, createHash("sha256")), { maxBytes: 1000 }),
        code("PAYLOAD_TOO_LARGE"),
      );
      assert.equal(await readAll((await store.get("f.txt")).stream), "0123456789");
      assert.deepEqual(await store.list(""), [{ path: "f.txt", is_dir: false, file_size: 10 }]);
    });

    test("list returns basenames, sizes for files only, sorted; missing or file paths list as []", async () => {
      const store = await fresh();
      assert.deepEqual(await store.list(""), []);
      await store.put("m/MLmodel", body("flavor"));
      await store.put("m/data/model.pkl", body("pkl"));
      await store.put("top.txt", body("hi"));
      assert.deepEqual(await store.list(""), [
        { path: "m", is_dir: true },
        { path: "top.txt", is_dir: false, file_size: 2 },
      ]);
      assert.deepEqual(await store.list("m"), [
        { path: "MLmodel", is_dir: false, file_size: 6 },
        { path: "data", is_dir: true },
      ]);
      assert.deepEqual(await store.list("./m//data/"), [{ path: "model.pkl", is_dir: false, file_size: 3 }]);
      assert.deepEqual(await store.list("nope"), []);
      assert.deepEqual(await store.list("top.txt"), []);
    });

    test("a listing longer than one page comes back whole (backends page by 7 here)", async () => {
      const store = await fresh();
      const names = Array.from({ length: 23 }, (_, i) => `f${String(i).padStart(4, "0")}`);
      for (const n of names) await store.put(`many/${n}`, body("x"));
      await store.put("many/sub/a", body("x"));
      await store.put("many/sub/b", body("x"));
      const listed = await store.list("many");
      assert.deepEqual(
        listed.map((f) => f.path),
        [...names, "sub"],
      );
      await store.delete("many");
      assert.deepEqual(await store.list("many"), []);
    });

    test("listRelative returns paths relative to a run root", async () => {
      const store = await fresh();
      await store.put("1/r1/artifacts/model/MLmodel", body("x"));
      await store.put("1/r1/artifacts/model/conda.yaml", body("yy"));
      assert.deepEqual(await listRelative(store, "1/r1/artifacts/model", "1/r1/artifacts"), [
        { path: "model/MLmodel", is_dir: false, file_size: 1 },
        { path: "model/conda.yaml", is_dir: false, file_size: 2 },
      ]);
      assert.deepEqual(await listRelative(store, "1/r1/artifacts", "1/r1/artifacts"), [
        { path: "model", is_dir: true },
      ]);
      await assert.rejects(listRelative(store, "1/r2/artifacts", "1/r1/artifacts"), code("INVALID_PARAMETER_VALUE"));
    });

    test("get and put distinguish files, directories and missing paths", async () => {
      const store = await fresh();
      await assert.rejects(store.get("x.txt"), code("RESOURCE_DOES_NOT_EXIST"));
      await store.put("dir/x.txt", body("x"));
      await assert.rejects(store.get("dir"), code("INVALID_PARAMETER_VALUE"));
      await assert.rejects(store.get("dir/missing"), code("RESOURCE_DOES_NOT_EXIST"));
      await assert.rejects(store.get("dir/x.txt/below"), code("RESOURCE_DOES_NOT_EXIST"));
      await assert.rejects(store.put("dir", body("file over dir")), code("INVALID_PARAMETER_VALUE"));
      await assert.rejects(store.put("dir/x.txt/below", body("under a file")), code("INVALID_PARAMETER_VALUE"));
      await assert.rejects(store.put("", body("root")), code("INVALID_PARAMETER_VALUE"));
      assert.deepEqual(await store.stat("dir"), { is_dir: true, size: 0 });
      assert.deepEqual(await store.stat("dir/x.txt"), { is_dir: false, size: 1 });
      assert.equal(await store.stat("dir/none"), undefined);
      assert.equal(await readAll((await store.get("dir/x.txt")).stream), "x");
    });

    test("delete removes files and whole directories; missing paths are fine; the root is refused", async () => {
      const store = await fresh();
      await store.delete("never/was");
      await store.put("a/b/c.txt", body("c"));
      await store.put("a/d.txt", body("d"));
      await store.put("ab.txt", body("sibling with a shared prefix"));
      await store.delete("a/d.txt");
      assert.deepEqual(await store.list("a"), [{ path: "b", is_dir: true }]);
      await store.delete("a");
      assert.deepEqual(await store.list(""), [{ path: "ab.txt", is_dir: false, file_size: 28 }]);
      await store.delete("a");
      await assert.rejects(store.delete(""), code("INVALID_PARAMETER_VALUE"));
      await assert.rejects(store.delete("./"), code("INVALID_PARAMETER_VALUE"));
    });

    test("every traversal input is refused by every operation", async () => {
      const store = await fresh();
      for (const p of TRAVERSAL_INPUTS) {
        for (const op of [
          () => store.get(p),
          () => store.put(p, body("x")),
          () => store.list(p),
          () => store.delete(p),
          () => store.stat(p),
        ]) {
          await assert.rejects(op(), code("INVALID_PARAMETER_VALUE"), `${JSON.stringify(p)} must be refused`);
        }
      }
    });
  });
}

function body(text: string): Readable {
  return Readable.from([Buffer.from(text)]);
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Yields `total` pseudo-random bytes in 64 KiB chunks while hashing them. */
function generated(total: number, hash: ReturnType<typeof createHash>): Readable {
  let seed = 12345;
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < total; ) {
        const chunk = Buffer.alloc(Math.min(65536, total - sent));
        for (let i = 0; i < chunk.length; i += 4) {
          seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
          chunk.writeUInt32LE(seed, i);
        }
        hash.update(chunk);
        sent += chunk.length;
        yield chunk;
      }
    })(),
  );
}

/** Emits `bytes` of data, then fails like an aborted upload. */
function failing(bytes: number): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(Buffer.alloc(bytes, 1));
      } else this.destroy(new Error("client went away"));
    },
  });
}

function code(expected: string) {
  return (e: unknown) => isMwError(e) && e.code === expected;
}
