/**
 * `modelworks up --role`: a control replica and a serving replica on one store. The serving one
 * answers inference and its probes and nothing else; the control one answers the API, takes no
 * inference, and runs the background jobs (a monitor's lease is its, never the serving replica's).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/test-support/capture-io.js";
import { homeAuthorization } from "../../src/cli/test-support/home-auth.js";
import { registerModels } from "../../src/cli/test-support/register-model.js";
import type { SpawnedCli } from "../../src/cli/test-support/spawn-cli.js";
import { spawnCli } from "../../src/cli/test-support/spawn-cli.js";
import { resolveConfig } from "../../src/core/config.js";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import { fitTelcoPackage, telcoRecord } from "../../src/learn/test-support/telco-models.js";
import { openPlatform } from "../../src/server/open-platform.js";

describe("up --role control|serving", () => {
  let home: string;
  let control: SpawnedCli;
  let serving: SpawnedCli;
  let auth: string;
  let body: string;
  const urlOf = (p: SpawnedCli) => (JSON.parse(p.firstLine) as { url: string }).url;
  const call = (p: SpawnedCli, path: string, init: RequestInit = {}) =>
    fetch(`${urlOf(p)}${path}`, { ...init, headers: { authorization: auth, "content-type": "application/json" } });

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-roles-"));
    const telco = await readTable(TELCO_CSV);
    body = JSON.stringify({ dataframe_records: [telcoRecord(telco, 0)] });
    await registerModels(home, "churn", [await fitTelcoPackage(telco, 3)], { champion: "1" });
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    await platform.deployments.create({ name: "churn", primary: "churn@champion" });
    await platform.monitoring.setConfig("churn", { interval_ms: 1000, window_rows: 50 });
    await platform.close();
    const common = ["--home", home, "--port", "0", "--json", "--monitor-tick-ms", "100", "--lease-ms", "1000"];
    control = await spawnCli(["up", "--role", "control", ...common], {});
    auth = homeAuthorization(home);
    serving = await spawnCli(["up", "--role", "serving", ...common], {});
  });
  after(async () => {
    await serving?.stop();
    await control?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("each prints its role; the serving replica answers inference and probes, not the API", async () => {
    assert.equal((JSON.parse(control.firstLine) as { role: string }).role, "control");
    assert.equal((JSON.parse(serving.firstLine) as { role: string }).role, "serving");
    const predicted = await call(serving, "/deployments/churn/invocations", { method: "POST", body });
    assert.equal(predicted.status, 200, await predicted.text());
    assert.equal((await call(serving, "/v2/models/churn/ready")).status, 200);
    assert.equal((await call(serving, "/v2/health/ready")).status, 200, "the fleet's readiness probe");
    const ready = await call(serving, "/health/ready");
    assert.equal(ready.status, 200);
    const readiness = (await ready.json()) as { ready: boolean; role: string; database: { ok: boolean } };
    assert.deepEqual([readiness.ready, readiness.role, readiness.database.ok], [true, "serving", true]);
    assert.equal((await call(serving, "/health")).status, 200);
    assert.equal((await call(serving, "/api/2.0/mlflow/experiments/search?max_results=1")).status, 404);
    assert.equal((await call(serving, "/api/modelworks/v1/deployments")).status, 404);
    assert.equal(
      (await fetch(`${urlOf(serving)}/deployments/churn/invocations`, { method: "POST", body })).status,
      401,
    );
  });

  test("the control replica answers the API but takes no inference", async () => {
    assert.equal((await call(control, "/api/2.0/mlflow/experiments/search?max_results=1")).status, 200);
    assert.equal((await call(control, "/health/ready")).status, 200);
    const predicted = await call(control, "/deployments/churn/invocations", { method: "POST", body });
    assert.equal(predicted.status, 404, "no inference on the control plane");
  });

  test("background jobs run on the control replica only", async () => {
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    try {
      let holder: { owner: string } | undefined;
      for (let i = 0; i < 100 && !holder; i++) {
        holder = await platform.leases.holder("monitor/churn");
        if (!holder) await sleep(100);
      }
      assert.match(holder?.owner ?? "", new RegExp(`-${control.proc.pid}-[0-9a-f]{8}$`));
      const owners = await platform.db.all<{ owner: string }>("SELECT owner FROM job_leases");
      assert.ok(!owners.some((o) => o.owner.includes(`-${serving.proc.pid}-`)), "the serving replica holds no lease");
    } finally {
      await platform.close();
    }
  });

  test("a bad role, and pipelines on a serving replica, are refused", async () => {
    const io = captureIo(home);
    assert.notEqual(await main(["up", "--role", "edge", "--home", home], io), 0);
    assert.match(io.stderr.join("\n"), /--role must be all, control or serving, not 'edge'/);
    const io2 = captureIo(home);
    assert.notEqual(await main(["up", "--role", "serving", "--pipeline", "p.yaml", "--home", home], io2), 0);
    assert.match(io2.stderr.join("\n"), /--pipeline runs on replicas with background jobs/);
  });
});
