/** `up`'s retention flags are checked before anything opens: a bad value is a one-line error, exit 2. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

test("up refuses bad --retention-every, --monitor-results-full and --monitor-results-retention", async () => {
  const home = mkdtempSync(join(tmpdir(), "mw-up-flags-"));
  try {
    const cases: [string[], RegExp][] = [
      [["--retention-every", "0"], /--retention-every: expected at least 1s/],
      [["--retention-every", "often"], /--retention-every: expected a duration/],
      [["--monitor-results-full", "soon"], /--monitor-results-full: expected a duration/],
      [["--monitor-results-full", "40d"], /--monitor-results-full \(40d\) must not be longer/],
      [
        ["--monitor-results-retention", "1h"],
        /--monitor-results-full \(1d\) must not be longer than --monitor-results-retention \(1h\)/,
      ],
    ];
    for (const [flags, message] of cases) {
      const io = captureIo(home);
      const code = await main(["up", ...flags], io);
      assert.equal(code, 2, flags.join(" "));
      assert.match(io.stderr.join("\n"), message);
    }
    const help = captureIo(home);
    assert.equal(await main(["up", "--help"], help), 0);
    assert.match(help.stdout.join("\n"), /--retention-every DURATION/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
