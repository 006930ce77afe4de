import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { FileEntry } from "./folder-watch.js";
import { FolderWatcher, listFolder } from "./folder-watch.js";
import { globRegExp } from "./glob.js";

/** A fake folder whose listing the test sets between polls. */
function fakeFolder() {
  const files = new Map<string, FileEntry>();
  return {
    set(name: string, size: number, mtimeMs = size) {
      files.set(name, { name, size, mtimeMs });
    },
    remove(name: string) {
      files.delete(name);
    },
    list: async () => [...files.values()],
  };
}

test("a new file is reported once its size is stable across two polls, and never again", async () => {
  const dir = fakeFolder();
  dir.set("old.csv", 10);
  const w = new FolderWatcher({ path: "/in", pattern: "*.csv" }, dir.list);
  assert.deepEqual(await w.poll(), [], "files present at start are not new");
  dir.set("new.csv", 100);
  dir.set("notes.txt", 5);
  assert.deepEqual(await w.poll(), [], "first sighting");
  dir.set("new.csv", 200);
  assert.deepEqual(await w.poll(), [], "still growing");
  assert.deepEqual(await w.poll(), ["/in/new.csv"]);
  assert.deepEqual(await w.poll(), []);
  dir.set("new.csv", 300);
  assert.deepEqual(await w.poll(), []);
  assert.deepEqual(await w.poll(), [], "a changed file is not reported twice");
});

test("files present at start are reported when asked; empty and vanished files wait", async () => {
  const dir = fakeFolder();
  dir.set("a.csv", 10);
  dir.set("b.csv", 0);
  const w = new FolderWatcher({ path: "/in", pattern: "*.csv", ignoreExisting: false }, dir.list);
  assert.deepEqual(await w.poll(), []);
  assert.deepEqual(await w.poll(), ["/in/a.csv"]);
  assert.deepEqual(await w.poll(), [], "empty files are not data yet");
  dir.set("c.csv", 5);
  await w.poll();
  dir.remove("c.csv");
  await w.poll();
  dir.set("c.csv", 5);
  assert.deepEqual(await w.poll(), [], "it came back: seen once again first");
  dir.set("b.csv", 7);
  assert.deepEqual(await w.poll(), ["/in/c.csv"]);
  assert.deepEqual(await w.poll(), ["/in/b.csv"]);
});

test("a real folder: missing lists empty, files are found", async () => {
  const root = mkdtempSync(join(tmpdir(), "mw-watch-"));
  try {
    assert.deepEqual(await listFolder(join(root, "missing")), []);
    const w = new FolderWatcher({ path: root, pattern: "*.{csv,parquet}" });
    await w.poll();
    writeFileSync(join(root, "d.parquet"), "x");
    writeFileSync(join(root, "e.json"), "{}");
    await w.poll();
    assert.deepEqual(await w.poll(), [join(root, "d.parquet")]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("glob patterns", () => {
  assert.equal(globRegExp("*.csv").test("a.csv"), true);
  assert.equal(globRegExp("*.csv").test("a.csv.tmp"), false);
  assert.equal(globRegExp("day-?.{csv,parquet}").test("day-1.parquet"), true);
  assert.equal(globRegExp("a+b(1).csv").test("a+b(1).csv"), true);
  assert.equal(globRegExp("{oops").test("{oops"), true);
});
