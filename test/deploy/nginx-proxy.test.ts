/**
 * deploy/nginx/modelworks.conf, as shipped, in front of real replicas: one `modelworks up` behind
 * the platform name, two `modelworks serve --deployment` behind the serving name. Requests pass
 * with a token, the client's request id comes back (and is the replica's id for the prediction),
 * the replicas' Host check sees the public name, and a killed serving replica is routed around.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { homeAuthorization } from "../../src/cli/test-support/home-auth.js";
import { registerModels } from "../../src/cli/test-support/register-model.js";
import type { SpawnedCli } from "../../src/cli/test-support/spawn-cli.js";
import { spawnCli } from "../../src/cli/test-support/spawn-cli.js";
import { resolveConfig } from "../../src/core/config.js";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import { fitTelcoPackage, telcoRecord } from "../../src/learn/test-support/telco-models.js";
import { openPlatform } from "../../src/server/open-platform.js";
import { SqlPredictionLogStore } from "../../src/serving/prediction-log/sql/sql-prediction-log-store.js";
import type { RunningNginx } from "./support/nginx.js";
import { freePort, NGINX, renderNginxConf, send, startNginx } from "./support/nginx.js";

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), "../../deploy/nginx/modelworks.conf");
const PLATFORM = "mlflow.example.com";
const SERVING = "serving.example.com";
const GENERATED_ID = /^[0-9a-f]{32}$/;

// CI installs nginx (.ci/run), so there a missing one fails instead of skipping.
const skip =
  existsSync(NGINX) || process.env.CI === "true" ? false : `${NGINX} is not installed (apt-get install nginx)`;

describe("deploy/nginx/modelworks.conf in front of real replicas", { skip }, () => {
  let dir: string;
  let home: string;
  let up: SpawnedCli | undefined;
  const serves: SpawnedCli[] = [];
  let nginx: RunningNginx | undefined;
  let port: number;
  let auth: string;
  let body: string;
  const addressOf = (p: SpawnedCli) => new URL((JSON.parse(p.firstLine) as { url: string }).url).host;
  const predict = (headers: Record<string, string> = {}) =>
    send(
      port,
      SERVING,
      "POST",
      "/invocations",
      { authorization: auth, "content-type": "application/json", ...headers },
      body,
    );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mw-nginx-"));
    home = join(dir, "home");
    const telco = await readTable(TELCO_CSV);
    body = JSON.stringify({ dataframe_records: [telcoRecord(telco, 0)] });
    await registerModels(home, "churn", [await fitTelcoPackage(telco, 3)], { champion: "1" });
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    await platform.deployments.create({ name: "churn", primary: "churn@champion" });
    await platform.close();
    up = await spawnCli(["up", "--home", home, "--port", "0", "--json", "--allowed-hosts", PLATFORM], {});
    auth = homeAuthorization(home);
    const serveArgs = ["serve", "--deployment", "churn", "--home", home, "--port", "0", "--json"];
    for (let i = 0; i < 2; i++) serves.push(await spawnCli([...serveArgs, "--allowed-hosts", SERVING], {}));
    port = await freePort();
    const site = renderNginxConf(readFileSync(EXAMPLE, "utf8"), port, {
      modelworks_platform: [addressOf(up)],
      modelworks_serving: serves.map(addressOf),
    });
    nginx = await startNginx(join(dir, "nginx"), site, port);
  });
  after(async () => {
    await nginx?.stop();
    for (const s of serves) await s.stop();
    await up?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the platform answers through nginx: token, request id, Host check, readiness", async () => {
    const path = "/api/2.0/mlflow/experiments/search?max_results=5";
    const ok = await send(port, PLATFORM, "GET", path, { authorization: auth, "x-request-id": "client-req-1" });
    assert.equal(ok.status, 200, ok.body);
    assert.ok((JSON.parse(ok.body) as { experiments: unknown[] }).experiments.length >= 1);
    assert.equal(ok.headers["x-request-id"], "client-req-1");

    const anonymous = await send(port, PLATFORM, "GET", path);
    assert.equal(anonymous.status, 401, "authentication still applies behind the proxy");
    assert.match(String(anonymous.headers["x-request-id"]), GENERATED_ID, "nginx makes an id when none is given");
    const odd = await send(port, PLATFORM, "GET", path, { authorization: auth, "x-request-id": "not a token" });
    assert.match(String(odd.headers["x-request-id"]), GENERATED_ID, "an id the replicas would not keep is replaced");

    // The replica judges the name the client used: a name it was not started with is refused by it.
    const foreign = await send(port, "evil.example.net", "GET", path, { authorization: auth });
    assert.equal(foreign.status, 403, foreign.body);
    assert.match(foreign.body, /--allowed-hosts evil\.example\.net/);

    const ready = await send(port, PLATFORM, "GET", "/health/ready");
    assert.equal(ready.status, 200, ready.body);
    assert.equal((JSON.parse(ready.body) as { ready: boolean }).ready, true);
  });

  test("serving replicas share the traffic, and a killed one is routed around", async () => {
    const first = await predict({ "x-request-id": "client-pred-1" });
    assert.equal(first.status, 200, first.body);
    assert.equal(first.headers["x-request-id"], "client-pred-1");
    assert.equal(first.headers["x-modelworks-model"], "churn/1");
    assert.equal((await send(port, SERVING, "POST", "/invocations", {}, body)).status, 401);
    for (let i = 0; i < 6; i++) assert.equal((await predict()).status, 200);
    for (const s of serves) {
      const metrics = await (await fetch(`http://${addressOf(s)}/metrics`)).text();
      assert.match(metrics, /modelworks_requests_total\{deployment="churn"[^}]*\} [1-9]/, "both replicas got traffic");
    }
    const ready = await send(port, SERVING, "GET", "/v2/health/ready");
    assert.equal(ready.status, 200, ready.body);

    const [killed, survivor] = serves as [SpawnedCli, SpawnedCli];
    const exited = new Promise((resolve) => killed.proc.once("exit", resolve));
    killed.proc.kill("SIGKILL");
    await exited;
    // nginx drops its kept-alive connections to the dead replica when their close arrives.
    await sleep(100);
    for (let i = 0; i < 8; i++) {
      const res = await predict({ "x-request-id": `after-kill-${i}` });
      assert.equal(res.status, 200, `request ${i} after the kill: ${res.status} ${res.body}`);
      assert.equal(res.headers["x-request-id"], `after-kill-${i}`);
    }
    assert.match(nginx?.errorLog() ?? "", /connect\(\) failed \(111: Connection refused\)/, "the dead one was tried");

    // The replica kept nginx's request id as the prediction's: feedback can name it.
    assert.equal(await survivor.stop(), 0);
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    try {
      const logged = await new SqlPredictionLogStore(platform.db).listPredictions({ deployment: "churn" });
      const ids = new Set(logged.map((r) => r.requestId));
      for (let i = 0; i < 8; i++) assert.ok(ids.has(`after-kill-${i}`), `after-kill-${i} is in the prediction log`);
    } finally {
      await platform.close();
    }
  });
});
