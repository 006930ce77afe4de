/** FileRoots: server-side reads only under configured folders, one message for every refusal. */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { isMwError } from "../core/errors.js";
import { FileRoots } from "./file-roots.js";

/** The refusal for `path`: INVALID_PARAMETER_VALUE, the same text whatever the reason. */
async function refusal(roots: FileRoots, path: string): Promise<string> {
  try {
    await roots.resolve(path);
  } catch (e) {
    assert.ok(isMwError(e), String(e));
    assert.equal(e.code, "INVALID_PARAMETER_VALUE");
    return e.message;
  }
  assert.fail(`'${path}' was allowed`);
}

const expected = (path: string) =>
  `Server-side path '${path}' is not readable: server-side reads are allowed only under the folders given with --data-root.`;

describe("FileRoots", () => {
  let dir: string;
  let data: string;
  let outside: string;
  before(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), "mw-file-roots-")));
    data = join(dir, "data");
    outside = join(dir, "outside");
    await mkdir(join(data, "sub"), { recursive: true });
    await mkdir(outside);
    await writeFile(join(data, "sub", "train.csv"), "a,b\n1,2\n");
    await writeFile(join(outside, "secret.csv"), "s\n1\n");
    await symlink(join(outside, "secret.csv"), join(data, "link-out.csv"));
    await symlink(join(outside), join(data, "dir-out"));
    await symlink(join(data, "sub", "train.csv"), join(data, "link-in.csv"));
    await symlink(data, join(dir, "data-link"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("a file inside a root resolves to its real path, also through a link that stays inside", async () => {
    const roots = FileRoots.of([data]);
    assert.equal(await roots.resolve(join(data, "sub", "train.csv")), join(data, "sub", "train.csv"));
    assert.equal(await roots.resolve(join(data, "link-in.csv")), join(data, "sub", "train.csv"));
  });

  test("a root that is itself a link is matched by either spelling", async () => {
    const roots = FileRoots.of([join(dir, "data-link")]);
    const real = join(data, "sub", "train.csv");
    assert.equal(await roots.resolve(join(dir, "data-link", "sub", "train.csv")), real);
    assert.equal(await roots.resolve(real), real);
  });

  test("outside, missing, a folder, a link out, relative: one and the same message", async () => {
    const roots = FileRoots.of([data]);
    const cases = [
      "/etc/passwd",
      "/etc/shadow",
      "/no/such/file.csv",
      join(data, "missing.csv"),
      join(data, "sub"),
      join(data, "link-out.csv"),
      join(data, "dir-out", "secret.csv"),
      join(data, "..", "outside", "secret.csv"),
      "sub/train.csv",
      "",
      `${join(data, "sub", "train.csv")}\0`,
    ];
    for (const path of cases) {
      const message = await refusal(roots, path);
      assert.equal(message, expected(path.replace("\0", "?")), path);
    }
  });

  test("none (the default) refuses every path, even existing ones", async () => {
    const path = join(data, "sub", "train.csv");
    assert.equal(await refusal(FileRoots.none(), path), expected(path));
    assert.equal(await refusal(FileRoots.of([]), "/etc/passwd"), expected("/etc/passwd"));
  });

  test("unrestricted (the in-process CLI) reads the user's own files with the usual messages", async () => {
    const roots = FileRoots.unrestricted();
    assert.equal(await roots.resolve(join(outside, "secret.csv")), join(outside, "secret.csv"));
    assert.match(await refusal(roots, join(dir, "nope.csv")), /^File not found: /);
    assert.match(await refusal(roots, data), /^Not a regular file: /);
  });

  test("verify refuses a configured folder that does not exist; folders lists the roots", async () => {
    await FileRoots.of([data]).verify();
    await assert.rejects(FileRoots.of([join(dir, "typo")]).verify(), /--data-root '.*typo' is not a folder/);
    assert.deepEqual(FileRoots.of(["data", "data"], dir).folders, [data]);
    assert.deepEqual(FileRoots.unrestricted().folders, []);
  });
});
