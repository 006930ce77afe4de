import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { openSqlite } from "../db/sqlite/sqlite-database.js";
import { ensurePrivateDir, ensurePrivateFile } from "./private-files.js";

const mode = (path: string) => statSync(path).mode & 0o777;
let root: string;
let umask: number;

before(() => {
  root = mkdtempSync(join(tmpdir(), "mw-private-"));
  // The most permissive umask: the modes must not depend on it.
  umask = process.umask(0);
});
after(() => {
  process.umask(umask);
  rmSync(root, { recursive: true, force: true });
});

test("ensurePrivateDir and ensurePrivateFile create owner-only entries and leave existing ones alone", () => {
  const dir = join(root, "a", "b");
  ensurePrivateDir(dir);
  assert.equal(mode(dir), 0o700);
  assert.equal(mode(join(root, "a")), 0o700);
  const file = join(dir, "f");
  ensurePrivateFile(file);
  assert.equal(mode(file), 0o600);
  const shared = join(root, "shared");
  mkdirSync(shared, { mode: 0o755 });
  writeFileSync(join(shared, "g"), "keep");
  chmodSync(join(shared, "g"), 0o644);
  ensurePrivateDir(shared);
  ensurePrivateFile(join(shared, "g"));
  assert.equal(mode(shared), 0o755);
  assert.equal(mode(join(shared, "g")), 0o644);
});

test("a new SQLite store: the database, its -wal and -shm are 0600 in a 0700 folder", async () => {
  const home = join(root, "home");
  const path = join(home, "modelworks.db");
  const db = openSqlite(path);
  try {
    await db.run("CREATE TABLE t (x INTEGER)");
    await db.run("INSERT INTO t VALUES (1)");
    assert.equal(mode(home), 0o700);
    for (const f of [path, `${path}-wal`, `${path}-shm`]) assert.equal(mode(f), 0o600, f);
  } finally {
    await db.close();
  }
});
