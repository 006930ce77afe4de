import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, test } from "node:test";
import { artifactStoreContract } from "../test-support/artifact-store-contract.js";
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

artifactStoreContract("local folder", async () => (await freshStore()).store);

const body = (text: string) => Readable.from([Buffer.from(text)]);

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

test("a failed or refused upload leaves no temp file beside the target", async () => {
  const { store, root } = await freshStore();
  await store.put("d/a.txt", body("old"));
  await assert.rejects(store.put("d/a.txt", failing(1024 * 1024)), /client went away/);
  await assert.rejects(store.put("d/new.txt", failing(10)), /client went away/);
  await assert.rejects(store.put("d/a.txt", body("0123456789A"), { maxBytes: 10 }), { code: "PAYLOAD_TOO_LARGE" });
  assert.deepEqual(await readdir(join(root, "d")), ["a.txt"]);
  assert.equal(await readFile(join(root, "d", "a.txt"), "utf8"), "old");
});

test("temp files of uploads in progress are not listed; the root survives deleting everything", async () => {
  const { store, root } = await freshStore();
  await store.put("m/MLmodel", body("flavor"));
  await writeFile(join(root, "m", ".MLmodel.tmp-0123456789abcdef"), "partial");
  assert.deepEqual(await store.list("m"), [{ path: "MLmodel", is_dir: false, file_size: 6 }]);
  await store.delete("m");
  assert.ok((await stat(root)).isDirectory());
});
