import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { shareFlag } from "./cli-flags.js";
import { main } from "./main.js";
import { captureIo } from "./test-support/capture-io.js";

test("shares are written 0.05 or 5%, above 0 and at most 1", () => {
  assert.equal(shareFlag("--monitor-cpu", "0.05"), 0.05);
  assert.equal(shareFlag("--monitor-cpu", "5%"), 0.05);
  assert.equal(shareFlag("--monitor-cpu", "100%"), 1);
  for (const bad of ["0", "0%", "-1", "150%", "1.5", "lots", "", "%"])
    assert.throws(() => shareFlag("--monitor-cpu", bad), /--monitor-cpu: expected/, bad);
});

test("up refuses a bad --monitor-cpu before it starts: one line naming the flag, non-zero", async () => {
  const home = mkdtempSync(join(tmpdir(), "mw-share-"));
  try {
    const io = captureIo(home);
    const code = await main(["up", "--port", "0", "--monitor-cpu", "200%"], io);
    assert.notEqual(code, 0);
    assert.match(io.stderr.join("\n"), /--monitor-cpu: expected a share above 0 and at most 1 \(or 100%\), got '200%'/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
