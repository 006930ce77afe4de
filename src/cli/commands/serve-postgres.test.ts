import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { resolveConfig } from "../../core/config.js";
import { testBackends } from "../../core/db/test-support/backends.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import { fitTelcoPackage, telcoRecord } from "../../learn/test-support/telco-models.js";
import { openPlatform } from "../../server/open-platform.js";
import { SqlPredictionLogStore } from "../../serving/prediction-log/sql/sql-prediction-log-store.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { homeFetch } from "../test-support/home-auth.js";
import { registerModels } from "../test-support/register-model.js";
import { spawnCli } from "../test-support/spawn-cli.js";

const postgres = testBackends().find((b) => b.name === "postgres");

// Replicas of `serve --deployment` share one PostgreSQL store: deployments, aliases, the log.
test("two serve --deployment replicas on PostgreSQL follow one deployment and share its prediction log", {
  skip: postgres ? false : "MODELWORKS_TEST_POSTGRES_URI is not set",
}, async () => {
  const created = await (postgres as NonNullable<typeof postgres>).create();
  const store = created.uri;
  const home = mkdtempSync(join(tmpdir(), "mw-serve-pg-"));
  const replicas: Awaited<ReturnType<typeof spawnCli>>[] = [];
  try {
    const telco = await readTable(TELCO_CSV);
    const fit = (n: number) => fitTelcoPackage(telco, n);
    await registerModels(home, "churn", [await fit(10), await fit(3)], { champion: "1" }, store);
    const cli = async (...argv: string[]) => {
      const io = captureIo(home);
      assert.equal(await main([...argv, "--store", store], io), 0, io.stderr.join("\n"));
    };
    // swap: every replica serves an alias move at its next poll (the default rolls it out as a canary).
    await cli("deployments", "create", "churn-prod", "--model", "churn@champion", "--on-alias-change", "swap");
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await spawnCli(
          ["serve", "--deployment", "churn-prod", "--store", store, "--port", "0", "--json", "--poll-ms", "100"],
          {
            MODELWORKS_HOME: home,
          },
        ),
      );
    }
    const urls = replicas.map((r) => (JSON.parse(r.firstLine) as { url: string }).url);
    const row = telcoRecord(telco, 0);
    const invoke = async (url: string) => {
      const res = await homeFetch(home)(`${url}/invocations`, {
        method: "POST",
        body: JSON.stringify({ dataframe_records: [row] }),
        headers: { "content-type": "application/json" },
      });
      assert.equal(res.status, 200, await res.clone().text());
      await res.arrayBuffer();
      return res.headers.get("x-modelworks-model");
    };
    for (const url of urls) assert.equal(await invoke(url), "churn/1");
    await cli("models", "alias", "churn", "champion", "2");
    for (const url of urls) {
      let answered: string | null = null;
      for (let i = 0; i < 100 && answered !== "churn/2"; i++) {
        answered = await invoke(url);
        if (answered !== "churn/2") await sleep(50);
      }
      assert.equal(
        answered,
        "churn/2",
        `${url} never followed the alias; replica stderr: ${replicas.map((r) => r.stderr()).join(" | ")}`,
      );
    }
    for (const r of replicas.splice(0)) assert.equal(await r.stop(), 0);
    const platform = await openPlatform(resolveConfig({ home, store }, {}, home));
    try {
      const logged = await new SqlPredictionLogStore(platform.db).listPredictions({ deployment: "churn-prod" });
      assert.ok(logged.length >= 4, `${logged.length} predictions logged`);
      assert.deepEqual(new Set(logged.map((r) => r.modelVersion)), new Set(["1", "2"]));
    } finally {
      await platform.close();
    }
  } finally {
    for (const r of replicas) await r.stop();
    rmSync(home, { recursive: true, force: true });
    await created.drop();
  }
});
