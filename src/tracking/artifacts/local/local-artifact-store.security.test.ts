import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, test } from "node:test";
import { isMwError } from "../../../core/errors.js";
import { TRAVERSAL_INPUTS } from "../test-support/traversal-inputs.js";
import { LocalArtifactStore } from "./local-artifact-store.js";

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A root with a file inside, and a sibling "outside" folder holding a secret. */
async function setup(): Promise<{ store: LocalArtifactStore; root: string; outside: string }> {
  const dir = await mkdtemp(join(tmpdir(), "mw-artifacts-sec-"));
  dirs.push(dir);
  const root = join(dir, "root");
  const outside = join(dir, "outside");
  await mkdir(join(root, "real"), { recursive: true });
  await mkdir(outside);
  await writeFile(join(root, "real", "f.txt"), "inside");
  await writeFile(join(outside, "secret.txt"), "secret");
  await writeFile(join(dir, "secret.txt"), "secret");
  return { store: new LocalArtifactStore(root), root, outside };
}

const body = () => Readable.from([Buffer.from("payload")]);
const invalid = (e: unknown) => isMwError(e) && e.code === "INVALID_PARAMETER_VALUE" && /Invalid path/.test(e.message);

/** Each operation, as a thunk over the store and a path. */
const OPERATIONS: Record<string, (s: LocalArtifactStore, p: string) => Promise<unknown>> = {
  get: (s, p) => s.get(p),
  put: (s, p) => s.put(p, body()),
  list: (s, p) => s.list(p),
  delete: (s, p) => s.delete(p),
  stat: (s, p) => s.stat(p),
};

test("every traversal form is refused by get, put, list, delete and stat", async () => {
  const { store, root, outside } = await setup();
  assert.ok(TRAVERSAL_INPUTS.length >= 20);
  for (const input of TRAVERSAL_INPUTS) {
    for (const [name, op] of Object.entries(OPERATIONS)) {
      await assert.rejects(op(store, input), invalid, `${name}(${JSON.stringify(input)}) must be refused`);
    }
  }
  assert.deepEqual((await readdir(root)).sort(), ["real"]);
  assert.deepEqual(await readdir(outside), ["secret.txt"]);
});

test("a symlink inside the root that leads outside is refused for every operation", async () => {
  const { store, root, outside } = await setup();
  await symlink(outside, join(root, "escape"), "dir");
  await symlink(join(outside, "secret.txt"), join(root, "secret-link"), "file");
  await symlink(join(outside, "nowhere"), join(root, "dangling"));
  const paths = ["escape", "escape/secret.txt", "escape/new.txt", "escape/sub/new.txt", "secret-link", "dangling/x"];
  for (const p of paths) {
    for (const [name, op] of Object.entries(OPERATIONS)) {
      await assert.rejects(op(store, p), invalid, `${name}(${JSON.stringify(p)}) must be refused`);
    }
  }
  assert.equal(await readFile(join(outside, "secret.txt"), "utf8"), "secret");
  assert.deepEqual(await readdir(outside), ["secret.txt"]);
  const listed = (await store.list("")).map((f) => f.path);
  assert.deepEqual(listed, ["real"], "links leading outside are not listed");
});

test("a symlink that stays inside the root works like the folder it names", async () => {
  const { store, root } = await setup();
  await symlink(join(root, "real"), join(root, "alias"), "dir");
  await symlink(join(root, "real", "f.txt"), join(root, "file-alias"), "file");
  assert.equal(await readFile(join(root, "real", "f.txt"), "utf8"), "inside");
  const got = await store.get("alias/f.txt");
  assert.equal(got.size, 6);
  got.stream.destroy();
  assert.equal((await store.get("file-alias")).size, 6);
  await store.put("alias/g.txt", body());
  assert.equal(await readFile(join(root, "real", "g.txt"), "utf8"), "payload");
  assert.deepEqual(await store.list("alias"), [
    { path: "f.txt", is_dir: false, file_size: 6 },
    { path: "g.txt", is_dir: false, file_size: 7 },
  ]);
  assert.deepEqual(await store.list(""), [
    { path: "alias", is_dir: true },
    { path: "file-alias", is_dir: false, file_size: 6 },
    { path: "real", is_dir: true },
  ]);
  await store.delete("alias/g.txt");
  assert.deepEqual(await readdir(join(root, "real")), ["f.txt"]);
});
