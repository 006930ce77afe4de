import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { PythonProcess } from "./python-process.js";

test("a worker gets the environment without remote endpoints' tokens", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mw-py-env-"));
  const out = join(dir, "env.txt");
  // A stand-in worker (a shell script) that writes its environment and exits.
  const script = join(dir, "worker.sh");
  writeFileSync(script, `env > '${out}'\n`);
  const saved = process.env.MODELWORKS_REMOTE_TOKEN_TEST;
  process.env.MODELWORKS_REMOTE_TOKEN_TEST = "secret-from-env";
  try {
    const worker = new PythonProcess({
      python: "/bin/sh",
      script,
      env: { MODELWORKS_REMOTE_TOKEN_OTHER: "secret-from-options", MW_KEPT: "kept" },
    });
    await new Promise<void>((resolve) => worker.onExit(() => resolve()));
    const env = readFileSync(out, "utf8");
    assert.match(env, /^MW_KEPT=kept$/m);
    assert.match(env, /^PYTHONUNBUFFERED=1$/m);
    assert.doesNotMatch(env, /MODELWORKS_REMOTE_TOKEN_|secret-from/);
  } finally {
    if (saved === undefined) delete process.env.MODELWORKS_REMOTE_TOKEN_TEST;
    else process.env.MODELWORKS_REMOTE_TOKEN_TEST = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
