/**
 * `serve --deployment` writes the prediction log, so it enforces the log's retention as `up` does
 * (the same pass: rows, their window buckets), with `up`'s retention flags; and, on start, its
 * aggregator thread builds the buckets of predictions an older version logged.
 */
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
import { emptyBucket } from "../../monitoring/live/windows/prediction-bucket.js";
import { SqlWindowStore } from "../../monitoring/live/windows/sql/sql-window-store.js";
import { HOUR_MS } from "../../monitoring/live/windows/window-store.js";
import { openPlatform } from "../../server/open-platform.js";
import type { PredictionRecord } from "../../serving/prediction-log/prediction-log-store.js";
import { SqlPredictionLogStore } from "../../serving/prediction-log/sql/sql-prediction-log-store.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { registerModels } from "../test-support/register-model.js";
import type { SpawnedCli } from "../test-support/spawn-cli.js";
import { spawnCli } from "../test-support/spawn-cli.js";

const DAY = 86_400_000;

describe("serve --deployment enforces the prediction log's retention", () => {
  let home: string;
  let inputs: string;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-serve-retention-"));
    const telco = await readTable(TELCO_CSV);
    await registerModels(home, "churn", [await fitTelcoPackage(telco, 5)], { champion: "1" });
    inputs = JSON.stringify(telcoRecord(telco, 0));
    const io = captureIo(home);
    const code = await main(
      ["deployments", "create", "kept-1d", "--model", "churn@champion", "--log-retention", "1d"],
      io,
    );
    assert.equal(code, 0, io.stderr.join("\n"));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("a bad retention flag is a one-line error before anything opens", async () => {
    const io = captureIo(home);
    assert.equal(await main(["serve", "--deployment", "kept-1d", "--retention-every", "0"], io), 2);
    assert.match(io.stderr.join("\n"), /--retention-every: expected at least 1s/);
    const help = captureIo(home);
    assert.equal(await main(["serve", "--help"], help), 0);
    assert.match(help.stdout.join("\n"), /--retention-every DURATION/);
  });

  test("rows past the deployment's --log-retention and their buckets are deleted while it serves", async () => {
    const now = Date.now();
    const logged = (time: number, i: number): PredictionRecord => ({
      deployment: "kept-1d",
      requestId: `r-${i}`,
      row: 0,
      variant: "primary",
      shadow: false,
      modelName: "churn",
      modelVersion: "1",
      inputs,
      score: 0.5,
      label: "No",
      time,
      latencyMs: 1,
    });
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    const old = Math.floor((now - 3 * DAY) / HOUR_MS) * HOUR_MS;
    try {
      await new SqlPredictionLogStore(platform.db).appendPredictions([logged(old + 1, 1), logged(now - 1000, 2)]);
      // Logged by an older version (no buckets): built on the aggregator thread when serve starts.
      await new SqlPredictionLogStore(platform.db).appendPredictions(
        [logged(now - 2 * HOUR_MS, 3), logged(now - HOUR_MS, 4)].map((r) => ({ ...r, deployment: "earlier" })),
      );
      const key = {
        deployment: "kept-1d",
        spanMs: HOUR_MS,
        start: old,
        modelName: "churn",
        modelVersion: "1",
      } as const;
      await new SqlWindowStore(platform.db).addPredictions(
        [{ key, bucket: emptyBucket({ signature: { task: "binary", inputs: [] }, features: [] }, 4) }],
        now,
      );
    } finally {
      await platform.close();
    }

    let server: SpawnedCli | undefined;
    try {
      server = await spawnCli(
        ["serve", "--deployment", "kept-1d", "--port", "0", "--json", "--retention-every", "1s"],
        { MODELWORKS_HOME: home },
      );
      const check = await openPlatform(resolveConfig({ home }, {}, home));
      try {
        const log = new SqlPredictionLogStore(check.db);
        const windows = new SqlWindowStore(check.db);
        let left: PredictionRecord[] = [];
        let buckets: unknown[] = [];
        for (let i = 0; i < 400; i++) {
          left = await log.listPredictions({ deployment: "kept-1d" });
          buckets = await windows.predictions("kept-1d", HOUR_MS, 0, now - 2 * DAY);
          if (left.length === 1 && buckets.length === 0) break;
          await sleep(50);
        }
        assert.deepEqual(
          left.map((r) => r.requestId),
          ["r-2"],
        );
        assert.deepEqual(buckets, [], "the old hour's bucket went with its rows");
        for (let i = 0; i < 400 && !/built the buckets of deployment earlier/.test(server.stderr()); i++)
          await sleep(50);
        assert.match(server.stderr(), /built the buckets of deployment earlier from 2 earlier predictions/);
        const built = await windows.predictions("earlier", HOUR_MS, 0, now + HOUR_MS);
        assert.equal(
          built.reduce((n, b) => n + b.bucket.rows, 0),
          2,
        );
      } finally {
        await check.close();
      }
      assert.equal(await server.stop(), 0);
      server = undefined;
    } finally {
      await server?.stop();
    }
  });
});
