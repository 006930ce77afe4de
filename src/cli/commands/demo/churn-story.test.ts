import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { main } from "../../main.js";
import { captureIo } from "../../test-support/capture-io.js";
import { churnBatches, readTelco } from "./churn-data.js";

test("the demo tells the churn story end to end and exits 0", { timeout: 600_000 }, async (t) => {
  const home = mkdtempSync(join(tmpdir(), "mw-demo-"));
  try {
    const io = captureIo(home);
    const code = await main(["demo", "--exit", "--port", "0", "--home", join(home, "h")], io);
    const out = io.stdout.join("\n");
    t.diagnostic(out.split("\n").slice(-3).join(" | "));
    assert.equal(code, 0, `${out}\n${io.stderr.join("\n")}`);
    assert.match(out, /champion promoted: churn\/1 is churn@champion/);
    assert.match(out, /ALERT dataset_drift fired on churn: .*Contract/);
    assert.match(out, /gate: PROMOTE — challenger roc_auc 0\.8\d+ vs champion 0\.8\d+: improvement/);
    assert.match(out, /the deploy step started a canary of churn\/2/);
    for (const w of [5, 25, 50, 100]) assert.match(out, new RegExp(`rollout_step: Step \\d: ${w} % of traffic`));
    assert.match(out, /challenger promoted: churn\/2 is now churn@champion/);
    assert.match(out, /✘ error-rate .*candidate/);
    assert.match(out, /broken candidate rolled back: churn@champion is still churn\/2/);
    assert.match(out, /validate: failed .*tenure: range.*Contract: domain/);
    assert.match(out, /pipeline churn-retrain run \w+: failed at validate/);
    assert.match(out, /The story is told/);
    // A home that already holds a store is refused.
    const again = captureIo(home);
    assert.notEqual(await main(["demo", "--exit", "--port", "0", "--home", join(home, "h")], again), 0);
    assert.match(again.stderr.join("\n"), /fresh --home/);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("the batches are deterministic for a seed and differ between seeds", async () => {
  const csv = await readTelco();
  const a = churnBatches(csv, 1);
  const b = churnBatches(csv, 1);
  const c = churnBatches(csv, 2);
  assert.deepEqual(a.shifted, b.shifted);
  assert.notDeepEqual(a.shifted, c.shifted);
  assert.equal(a.v1.length, 5000);
  const ids = a.shifted.map((r) => r[0]);
  assert.equal(new Set(ids).size, ids.length, "customerIDs stay unique");
  assert.ok(!a.corrupt.header.includes("PaymentMethod"));
});
