import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { resolveConfig } from "../../core/config.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import { fitTelcoPackage, telcoRecord } from "../../learn/test-support/telco-models.js";
import { openPlatform } from "../../server/open-platform.js";
import { SqlPredictionLogStore } from "../../serving/prediction-log/sql/sql-prediction-log-store.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { homeFetch } from "../test-support/home-auth.js";
import { registerModels } from "../test-support/register-model.js";
import type { SpawnedCli } from "../test-support/spawn-cli.js";
import { spawnCli } from "../test-support/spawn-cli.js";

describe("modelworks serve --deployment and up", () => {
  let home: string;
  let row: Record<string, unknown>;
  const cli = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(argv, io);
    assert.equal(code, 0, io.stderr.join("\n"));
    return io.stdout.join("\n");
  };
  const invoke = (url: string, headers: Record<string, string> = {}) =>
    homeFetch(home)(url, {
      method: "POST",
      body: JSON.stringify({ dataframe_records: [row] }),
      headers: { "content-type": "application/json", ...headers },
    });
  /** Poll until the answering variant is `want` (changes apply at the next refresh). */
  const untilVariant = async (url: string, want: string) => {
    for (let i = 0; i < 100; i++) {
      const res = await invoke(url);
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      if (res.headers.get("x-modelworks-variant") === want) return res;
      await sleep(50);
    }
    assert.fail(`never answered by ${want}`);
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-serve-"));
    const telco = await readTable(TELCO_CSV);
    const fit = (n: number) => fitTelcoPackage(telco, n);
    await registerModels(home, "churn", [await fit(20), await fit(5)], { champion: "1" });
    row = telcoRecord(telco, 0);
    // swap: this deployment serves an alias move at once (the default rolls it out as a canary).
    await cli("deployments", "create", "churn-prod", "--model", "churn@champion", "--on-alias-change", "swap");
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("serve --deployment follows weight and alias changes live, logs predictions, takes feedback", async () => {
    let server: SpawnedCli | undefined;
    try {
      server = await spawnCli(["serve", "--deployment", "churn-prod", "--port", "0", "--json", "--poll-ms", "100"], {
        MODELWORKS_HOME: home,
      });
      const { url } = JSON.parse(server.firstLine) as { url: string };
      const anonymous = await fetch(`${url}/invocations`, {
        method: "POST",
        body: JSON.stringify({ dataframe_records: [row] }),
        headers: { "content-type": "application/json" },
      });
      assert.equal(anonymous.status, 401, "predicting needs a token");
      const forged = await invoke(`${url}/invocations`, { authorization: "Bearer mwt_forged" });
      assert.equal(forged.status, 401);
      const first = await invoke(`${url}/invocations`, { "x-request-id": "req-1" });
      assert.equal(first.status, 200);
      assert.equal(first.headers.get("x-modelworks-model"), "churn/1");
      await first.arrayBuffer();

      await cli("deployments", "update", "churn-prod", "--candidate", "churn/2", "--weight", "100");
      const moved = await untilVariant(`${url}/invocations`, "candidate");
      assert.equal(moved.headers.get("x-modelworks-model"), "churn/2");
      await cli("deployments", "update", "churn-prod", "--no-candidate");
      await untilVariant(`${url}/invocations`, "primary");
      await cli("models", "alias", "churn", "champion", "2");
      for (let i = 0; i < 100; i++) {
        const res = await invoke(`${url}/invocations`);
        await res.arrayBuffer();
        if (res.headers.get("x-modelworks-model") === "churn/2") break;
        assert.ok(i < 99, "the alias move was never picked up");
        await sleep(50);
      }

      const fb = await homeFetch(home)(`${url}/feedback`, {
        method: "POST",
        body: JSON.stringify({ request_id: "req-1", outcome: "Yes" }),
        headers: { "content-type": "application/json" },
      });
      assert.equal(fb.status, 200, await fb.text());
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(
        metrics,
        /modelworks_requests_total\{deployment="churn-prod",model="churn",version="2",variant="candidate"/,
      );
      assert.match(metrics, /modelworks_model_loads_total\{deployment="churn-prod",model="churn",version="2"\} 2\n/);
      assert.equal(await server.stop(), 0);
      server = undefined;

      const platform = await openPlatform(resolveConfig({ home }, {}, home));
      try {
        const store = new SqlPredictionLogStore(platform.db);
        const logged = await store.listPredictions({ deployment: "churn-prod" });
        assert.ok(logged.length >= 4, `${logged.length} predictions logged`);
        assert.deepEqual(
          logged.filter((r) => r.requestId === "req-1").map((r) => [r.modelVersion, r.variant]),
          [["1", "primary"]],
        );
        const feedback = await store.listFeedback({ deployment: "churn-prod" });
        assert.deepEqual(
          feedback.map((f) => [f.requestId, f.outcome]),
          [["req-1", "Yes"]],
        );
        const events = await platform.deployments.events("churn-prod");
        assert.ok(events.some((e) => e.type === "serving" && /primary churn\/2/.test(e.message)));
      } finally {
        await platform.close();
      }
    } finally {
      await server?.stop();
    }
  });

  test("up serves every active deployment and picks up new ones while running", async () => {
    await cli("models", "alias", "churn", "champion", "1");
    let up: SpawnedCli | undefined;
    try {
      up = await spawnCli(["up", "--port", "0", "--json", "--sync-ms", "100"], { MODELWORKS_HOME: home });
      const { url, deployments } = JSON.parse(up.firstLine) as { url: string; deployments: string[] };
      assert.deepEqual(deployments, ["churn-prod"]);
      const res = await invoke(`${url}/deployments/churn-prod/invocations`);
      assert.equal(res.status, 200, await res.text());
      await cli("deployments", "create", "churn-canary", "--model", "churn/2");
      let served = false;
      for (let i = 0; i < 100 && !served; i++) {
        const r = await invoke(`${url}/deployments/churn-canary/invocations`);
        await r.arrayBuffer();
        served = r.status === 200;
        if (!served) await sleep(50);
      }
      assert.ok(served, "the new deployment was never served");
      const unknown = await invoke(`${url}/deployments/nope/invocations`);
      assert.equal(unknown.status, 404);
      // The tracking API shares the port.
      const models = await homeFetch(home)(`${url}/api/2.0/mlflow/registered-models/search`);
      assert.equal(models.status, 200);
      // A deployment made public answers without a token; others still need one.
      const anonymous = () =>
        fetch(`${url}/deployments/churn-prod/invocations`, {
          method: "POST",
          body: JSON.stringify({ dataframe_records: [row] }),
          headers: { "content-type": "application/json" },
        });
      assert.equal((await anonymous()).status, 401);
      await cli("permissions", "set", "deployment", "churn-prod", "*", "READ");
      let open = 0;
      for (let i = 0; i < 150 && open !== 200; i++) {
        const r = await anonymous();
        await r.arrayBuffer();
        open = r.status;
        if (open !== 200) await sleep(100);
      }
      assert.equal(open, 200, "the public deployment answers anonymous callers (within the 5 s cache)");
      const other = await fetch(`${url}/deployments/churn-canary/invocations`, {
        method: "POST",
        body: JSON.stringify({ dataframe_records: [row] }),
        headers: { "content-type": "application/json" },
      });
      assert.equal(other.status, 401, "only that deployment");
      assert.equal(await up.stop(), 0);
      up = undefined;
    } finally {
      await up?.stop();
    }
  });
});
