import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { resolveConfig } from "../core/config.js";
import { openPlatform } from "./open-platform.js";

test("a platform home it creates is 0700 and its database 0600, whatever the umask", async () => {
  const root = mkdtempSync(join(tmpdir(), "mw-open-platform-"));
  const umask = process.umask(0o002);
  try {
    const home = join(root, "new", "home");
    const platform = await openPlatform(resolveConfig({ home }, {}, root));
    await platform.close();
    assert.equal(statSync(home).mode & 0o777, 0o700);
    assert.equal(statSync(join(home, "modelworks.db")).mode & 0o777, 0o600);
  } finally {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  }
});
