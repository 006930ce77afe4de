import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { isMwError } from "../../core/errors.js";
import { decodeFully, isInside, normalizeArtifactPath, resolveContainedPath, resolveSafePath } from "./safe-path.js";
import { TRAVERSAL_INPUTS } from "./test-support/traversal-inputs.js";

const invalid = (e: unknown) => isMwError(e) && e.code === "INVALID_PARAMETER_VALUE" && /^Invalid path/.test(e.message);

test("every traversal form is refused", () => {
  assert.ok(TRAVERSAL_INPUTS.length >= 20);
  for (const input of TRAVERSAL_INPUTS) {
    assert.throws(() => resolveSafePath("/srv/root", input), invalid, JSON.stringify(input));
    assert.throws(() => normalizeArtifactPath(input), invalid, JSON.stringify(input));
  }
});

test("ordinary paths normalize: empty and '.' segments collapse, odd but safe names stay", () => {
  const cases: [string, string][] = [
    ["", ""],
    [".", ""],
    ["./", ""],
    ["a/b.txt", "a/b.txt"],
    ["./a//./b/", "a/b"],
    ["a/.../b", "a/.../b"],
    ["a..b/..c/d..", "a..b/..c/d.."],
    ["model %20 v1/MLmodel", "model %20 v1/MLmodel"],
    ["100%.txt", "100%.txt"],
    ["%zz/%2", "%zz/%2"],
    ["日本/ü.txt", "日本/ü.txt"],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeArtifactPath(input), expected, JSON.stringify(input));
  assert.equal(resolveSafePath("/srv/root", "./a//b"), join(resolve("/srv/root"), "a", "b"));
  assert.equal(resolveSafePath("/srv/root", ""), resolve("/srv/root"));
});

test("decodeFully decodes until stable, multi-byte included", () => {
  assert.equal(decodeFully("%25252e"), ".");
  assert.equal(decodeFully("%C3%BC"), "ü");
  assert.equal(decodeFully("%c0%ae"), "\uFFFD\uFFFD");
  assert.equal(decodeFully("plain"), "plain");
});

test("isInside compares whole segments", () => {
  assert.ok(isInside("/a/b", "/a/b"));
  assert.ok(isInside("/a/b", "/a/b/c"));
  assert.ok(isInside("/a/b", "/a/b/..c"));
  assert.ok(!isInside("/a/b", "/a/bc"));
  assert.ok(!isInside("/a/b", "/a"));
  assert.ok(isInside("/", "/x"));
});

test("resolveContainedPath follows symlinks to decide", async () => {
  const dir = await mkdtemp(join(tmpdir(), "mw-safe-path-"));
  try {
    const root = join(dir, "root");
    await mkdir(join(root, "in"), { recursive: true });
    await mkdir(join(dir, "out"));
    await symlink(join(dir, "out"), join(root, "esc"));
    await symlink(join(root, "in"), join(root, "ok"));
    assert.equal(await resolveContainedPath(root, "ok/new/file"), join(root, "ok", "new", "file"));
    assert.equal(await resolveContainedPath(root, "in/x"), join(root, "in", "x"));
    await assert.rejects(resolveContainedPath(root, "esc"), invalid);
    await assert.rejects(resolveContainedPath(root, "esc/new/deeper"), invalid);
    assert.equal(await resolveContainedPath(join(dir, "absent"), "a/b"), join(dir, "absent", "a", "b"));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
