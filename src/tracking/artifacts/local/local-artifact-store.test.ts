import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, test } from "node:test";
import { isMwError } from "../../../core/errors.js";
import { listRelative } from "../artifact-store.js";
import { LocalArtifactStore } from "./local-artifact-store.js";

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function freshStore(): Promise<{ store: LocalArtifactStore; root: string }> {
  const dir = await mkdtemp(join(tmpdir(), "mw-artifacts-"));
  dirs.push(dir);
  const root = join(dir, "root");
  return { store: new LocalArtifactStore(root), root };
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

test("a 20 MB upload round-trips through streams with the same SHA-256", async () => {
  const { store } = await freshStore();
  const size = 20 * 1024 * 1024;
  const sent = createHash("sha256");
  assert.deepEqual(await store.put("big/blob.bin", generated(size, sent)), { size });
  const got = await store.get("big/blob.bin");
  assert.equal(got.size, size);
  const received = createHash("sha256");
  let chunks = 0;
  let largest = 0;
  for await (const c of got.stream) {
    received.update(c as Buffer);
    chunks++;
    largest = Math.max(largest, (c as Buffer).length);
  }
  assert.equal(received.digest("hex"), sent.digest("hex"));
  assert.ok(chunks > 100 && largest <= 1024 * 1024, `streamed in ${chunks} chunks of at most ${largest} bytes`);
});

test("a source that fails mid-way keeps the old content and leaves no temp file", async () => {
  const { store, root } = await freshStore();
  await store.put("d/a.txt", body("old"));
  await assert.rejects(store.put("d/a.txt", failing(1024 * 1024)), /client went away/);
  assert.equal(await readAll((await store.get("d/a.txt")).stream), "old");
  assert.deepEqual(await readdir(join(root, "d")), ["a.txt"]);
  await assert.rejects(store.put("d/new.txt", failing(10)), /client went away/);
  assert.deepEqual(await readdir(join(root, "d")), ["a.txt"]);
});

test("maxBytes refuses larger bodies with PAYLOAD_TOO_LARGE and keeps the old file", async () => {
  const { store, root } = await freshStore();
  assert.deepEqual(await store.put("f.txt", body("0123456789"), { maxBytes: 10 }), { size: 10 });
  await assert.rejects(store.put("f.txt", body("0123456789A"), { maxBytes: 10 }), code("PAYLOAD_TOO_LARGE"));
  await assert.rejects(store.put("f.txt", generated(50 * 1024 * 1024, createHash("sha256")), { maxBytes: 1000 }), {
    code: "PAYLOAD_TOO_LARGE",
  });
  assert.equal(await readFile(join(root, "f.txt"), "utf8"), "0123456789");
  assert.deepEqual(await readdir(root), ["f.txt"]);
});

test("list returns basenames, sizes for files only, sorted; missing or file paths list as []", async () => {
  const { store, root } = await freshStore();
  assert.deepEqual(await store.list(""), []);
  await store.put("m/MLmodel", body("flavor"));
  await store.put("m/data/model.pkl", body("pkl"));
  await store.put("top.txt", body("hi"));
  await writeFile(join(root, "m", ".MLmodel.tmp-0123456789abcdef"), "partial");
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

test("listRelative returns paths relative to a run root", async () => {
  const { store } = await freshStore();
  await store.put("1/r1/artifacts/model/MLmodel", body("x"));
  await store.put("1/r1/artifacts/model/conda.yaml", body("yy"));
  assert.deepEqual(await listRelative(store, "1/r1/artifacts/model", "1/r1/artifacts"), [
    { path: "model/MLmodel", is_dir: false, file_size: 1 },
    { path: "model/conda.yaml", is_dir: false, file_size: 2 },
  ]);
  assert.deepEqual(await listRelative(store, "1/r1/artifacts", "1/r1/artifacts"), [{ path: "model", is_dir: true }]);
  await assert.rejects(listRelative(store, "1/r2/artifacts", "1/r1/artifacts"), code("INVALID_PARAMETER_VALUE"));
});

test("get and put distinguish files, directories and missing paths", async () => {
  const { store } = await freshStore();
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
  const { store, root } = await freshStore();
  await store.delete("never/was");
  await store.put("a/b/c.txt", body("c"));
  await store.put("a/d.txt", body("d"));
  await store.delete("a/d.txt");
  assert.deepEqual(await store.list("a"), [{ path: "b", is_dir: true }]);
  await store.delete("a");
  assert.deepEqual(await store.list(""), []);
  await store.delete("a");
  await assert.rejects(store.delete(""), code("INVALID_PARAMETER_VALUE"));
  await assert.rejects(store.delete("./"), code("INVALID_PARAMETER_VALUE"));
  assert.ok((await stat(root)).isDirectory());
});
