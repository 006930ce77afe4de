/**
 * Alias moves end to end: a real `modelworks up`, real traffic, the alias moved by an MLflow-style
 * REST call. A good version is rolled out as a canary with the deployment's settings and promoted;
 * a faulty one (made by `models fault`) is rolled back and the alias restored. On every backend
 * (PostgreSQL when MODELWORKS_TEST_POSTGRES_URI is set).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { main } from "../../cli/main.js";
import { captureIo } from "../../cli/test-support/capture-io.js";
import { homeAuthorization, homeFetch } from "../../cli/test-support/home-auth.js";
import { registerModels } from "../../cli/test-support/register-model.js";
import type { SpawnedCli } from "../../cli/test-support/spawn-cli.js";
import { spawnCli } from "../../cli/test-support/spawn-cli.js";
import type { DeploymentEventInfo, RolloutInfo } from "../../core/api/platform-routes.js";
import type { TestBackend } from "../../core/db/test-support/backends.js";
import { testBackends } from "../../core/db/test-support/backends.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import { fitTelcoPackage, telcoRecord } from "../../learn/test-support/telco-models.js";
import { createPlatformClient } from "../../sdk/platform-client.js";
import { LoadGenerator } from "../test-support/load-generator.js";

for (const backend of testBackends()) aliasEndToEnd(backend);

function aliasEndToEnd(backend: TestBackend): void {
  describe(`alias moves roll out as canaries end to end (${backend.name})`, () => {
    let home: string;
    let store: { uri: string; drop(): Promise<void> };
    let server: SpawnedCli;
    let url: string;
    let load: LoadGenerator;
    const storeFlags = () => (backend.name === "postgres" ? ["--store", store.uri] : []);
    const api = () => createPlatformClient({ baseUrl: url, fetch: homeFetch(home) });

    /** `modelworks ...` in-process on the same store. */
    async function cli(...args: string[]): Promise<string> {
      const io = captureIo(home);
      const code = await main([...args, ...storeFlags()], io);
      assert.equal(code, 0, io.stderr.join("\n"));
      return io.stdout.join("\n");
    }

    /** What an MLflow client's `set_registered_model_alias` sends. */
    async function moveAlias(version: string): Promise<void> {
      const res = await homeFetch(home)(`${url}/api/2.0/mlflow/registered-models/alias`, {
        method: "POST",
        body: JSON.stringify({ name: "churn", alias: "champion", version }),
        headers: { "content-type": "application/json" },
      });
      assert.equal(res.status, 200, await res.text());
    }

    async function champion(): Promise<string> {
      const res = await homeFetch(home)(`${url}/api/2.0/mlflow/registered-models/alias?name=churn&alias=champion`);
      return ((await res.json()) as { model_version: { version: string } }).model_version.version;
    }

    /** The rollout of `candidate` once it ended, with the deployment's events since it started. */
    async function ended(candidate: string): Promise<{ rollout: RolloutInfo; events: DeploymentEventInfo[] }> {
      for (let i = 0; i < 1200; i++) {
        const { rollouts } = await api().listRollouts({ name: "churn", limit: 1 });
        const r = rollouts[0];
        if (r?.candidate === candidate && (r.phase === "succeeded" || r.phase === "rolled_back")) {
          // Settled: its consequences (alias, pin) are applied once the candidate is gone.
          const d = (await api().getDeployment({ name: "churn" })).deployment;
          if (d.candidate === undefined) {
            const { events } = await api().listDeploymentEvents({ name: "churn", since_time: r.created_time - 5000 });
            return { rollout: r, events };
          }
        }
        await new Promise((done) => setTimeout(done, 100));
      }
      assert.fail(`the rollout of ${candidate} did not end; server: ${server.stderr().slice(-2000)}`);
    }

    before(async () => {
      home = mkdtempSync(join(tmpdir(), `mw-alias-e2e-${backend.name}-`));
      store = await backend.create();
      const telco = await readTable(TELCO_CSV);
      // 32 trees: a retrained model that scores the population alike (PSI vs the primary below 0.01).
      await registerModels(
        home,
        "churn",
        [await fitTelcoPackage(telco, 30), await fitTelcoPackage(telco, 32)],
        { champion: "1" },
        backend.name === "postgres" ? store.uri : undefined,
      );
      await cli(
        "deployments",
        "create",
        "churn",
        "--model",
        "churn@champion",
        "--steps",
        "50,100",
        "--interval",
        "1500ms",
        "--threshold",
        "2",
        "--min-requests",
        "10",
      );
      // Version 3: a copy of version 2 that fails on two-year contracts (the error-rate check catches it).
      await cli("models", "fault", "churn/2", "--fail-when", "Contract=Two year");
      server = await spawnCli(
        [
          "up",
          "--home",
          home,
          ...storeFlags(),
          "--port",
          "0",
          "--json",
          "--poll-ms",
          "100",
          "--sync-ms",
          "200",
          "--rollout-tick-ms",
          "100",
        ],
        {},
      );
      url = (JSON.parse(server.firstLine) as { url: string }).url;
      const bodies = Array.from({ length: 60 }, (_, b) =>
        JSON.stringify({
          dataframe_records: Array.from({ length: 8 }, (_, i) => telcoRecord(telco, (b * 97 + i * 13) % telco.numRows)),
        }),
      );
      load = new LoadGenerator(`${url}/deployments/churn/invocations`, bodies, {
        concurrency: 2,
        pauseMs: 10,
        headers: { authorization: homeAuthorization(home) },
      }).start();
    });

    after(async () => {
      await load?.stop();
      await server?.stop();
      rmSync(home, { recursive: true, force: true });
      await store?.drop();
    });

    test("an alias moved by the MLflow REST API starts a canary that promotes; the primary serves it after", {
      timeout: 120_000,
    }, async () => {
      const before = (await api().getDeployment({ name: "churn" })).deployment;
      assert.equal(before.primary_version, "1");
      await moveAlias("2");
      const { rollout, events } = await ended("churn/2");
      assert.equal(rollout.phase, "succeeded", rollout.reason);
      // The deployment's own settings: two steps, then promotion.
      assert.deepEqual(rollout.spec.steps, [50, 100]);
      assert.deepEqual(
        events
          .filter((e) => e.type === "rollout_step")
          .map((e) => e.data?.weight)
          .reverse(),
        [50, 100],
      );
      const moved = events.find((e) => e.type === "alias_moved");
      // Who moved it comes from the audit log, written just after the answer: usually there by then.
      assert.match(
        moved?.message ?? "",
        /churn@champion moved from 1 to 2( by \S+)?; rolling churn\/2 out as a canary/,
      );
      const d = (await api().getDeployment({ name: "churn" })).deployment;
      assert.equal(d.primary, "churn@champion");
      assert.equal(d.primary_version, "2");
      assert.equal(await champion(), "2");
      assert.equal(load.failures(), 0, JSON.stringify([...load.stats.byStatus]));
      assert.ok((load.stats.byVariant.get("candidate") ?? 0) > 0, "the candidate answered part of the traffic");
    });

    test("a faulty version is rolled back: the deployment keeps serving its version and the alias is restored", {
      timeout: 120_000,
    }, async () => {
      await moveAlias("3");
      const { rollout, events } = await ended("churn/3");
      assert.equal(rollout.phase, "rolled_back", rollout.reason);
      assert.match(rollout.reason ?? "", /error-rate/);
      // The alias is restored while the rollback settles, just after the candidate is removed.
      let alias = await champion();
      for (let i = 0; i < 50 && alias !== "2"; i++) {
        await new Promise((done) => setTimeout(done, 100));
        alias = await champion();
      }
      assert.equal(alias, "2", "the alias is back where it was");
      const d = (await api().getDeployment({ name: "churn" })).deployment;
      assert.equal(d.primary_version, "2");
      // Its event is written with the alias move, which the events read at the rollout's end may predate.
      let restored = events.find((e) => e.type === "alias_restored");
      for (let i = 0; i < 50 && restored === undefined; i++) {
        await new Promise((done) => setTimeout(done, 100));
        const since = rollout.created_time - 5000;
        const latest = await api().listDeploymentEvents({ name: "churn", since_time: since });
        restored = latest.events.find((e) => e.type === "alias_restored");
      }
      assert.match(
        restored?.message ?? "",
        /Moved churn@champion back from 3 to 2: the rollout of churn\/3 was rolled back/,
      );
      assert.equal(restored?.data?.restored_by, "rollout-controller");
      const show = await cli("deployments", "show", "churn");
      assert.match(show, /primary: {6}churn@champion \(serving version 2\)/);
      assert.match(show, /alias_restored/);
      // No further rollout: the alias names the served version again.
      await new Promise((done) => setTimeout(done, 500));
      assert.equal((await api().listRollouts({ name: "churn" })).rollouts.length, 2);
    });
  });
}
