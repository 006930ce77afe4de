/**
 * examples/python-churn end to end, as a user runs it: `modelworks up` serves and drives rollouts;
 * `pipeline run` executes the example's file unchanged (its train step is the Python script, which
 * logs the scikit-learn model in MLflow's format with `modelworks models log`). The first run makes a
 * champion and a deployment and sets its monitor; a second run with more features beats it at the
 * gate and is rolled out as a canary under traffic to promotion; a third, worse one is rejected.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/test-support/capture-io.js";
import { homeAuthorization, homeFetch } from "../../src/cli/test-support/home-auth.js";
import type { SpawnedCli } from "../../src/cli/test-support/spawn-cli.js";
import { spawnCli } from "../../src/cli/test-support/spawn-cli.js";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import { telcoRecord } from "../../src/learn/test-support/telco-models.js";
import { LoadGenerator } from "../../src/rollout/test-support/load-generator.js";
import { DEBIAN_PYTHON, sklearnSkipReason } from "../../src/runtimes/python/test-support/fixtures.js";
import { createPlatformClient } from "../../src/sdk/platform-client.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PIPELINE = join(ROOT, "examples/python-churn/pipeline.yaml");
const SKIP = sklearnSkipReason();
const PYTHON_ENV = { MODELWORKS_PYTHON: DEBIAN_PYTHON, MODELWORKS_PYTHON_WORKERS: "1" };

interface StepJson {
  step: string;
  status: string;
  outputs: Record<string, unknown> | null;
  log_tail: string;
}

describe("examples/python-churn: a scikit-learn script's model through gate, canary and monitor", {
  skip: SKIP,
}, () => {
  let home: string;
  let up: SpawnedCli | undefined;
  let url: string;
  let modelworks: string;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-python-churn-"));
    // The `modelworks` the train and monitor steps run: this checkout's CLI, from its sources.
    modelworks = join(home, "modelworks");
    writeFileSync(modelworks, `#!/bin/sh\nexec "${process.execPath}" --import tsx "${ROOT}src/cli/entry.ts" "$@"\n`);
    chmodSync(modelworks, 0o755);
    const args = ["up", "--port", "0", "--json", "--poll-ms", "100", "--sync-ms", "200", "--rollout-tick-ms", "100"];
    up = await spawnCli(args, { MODELWORKS_HOME: home, ...PYTHON_ENV });
    url = (JSON.parse(up.firstLine) as { url: string }).url;
  });
  after(async () => {
    await up?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  /** `pipeline run` of the example (in process, on the home `up` serves); its steps by name. */
  const runExample = async (...params: string[]) => {
    const io = captureIo(home);
    Object.assign(io.env, PYTHON_ENV);
    // Analysis every 8 s: time for `up` to start the candidate's Python workers before the first one.
    const flags = ["modelworks", modelworks, "python", DEBIAN_PYTHON, "interval", "8s", ...params];
    const argv = ["pipeline", "run", PIPELINE, "--json"];
    for (let i = 0; i < flags.length; i += 2) argv.push("--param", `${flags[i]}=${flags[i + 1]}`);
    const code = await main(argv, io);
    const out = io.stdout.join("\n");
    assert.equal(code, 0, `${out}\n${io.stderr.join("\n")}`);
    const steps = (JSON.parse(out) as { steps: StepJson[] }).steps;
    return Object.fromEntries(steps.map((s) => [s.step, s])) as Record<string, StepJson>;
  };
  const api = () => createPlatformClient({ baseUrl: url, fetch: homeFetch(home) });
  const champion = async () => {
    const res = await homeFetch(home)(`${url}/api/2.0/mlflow/registered-models/alias?name=churn-py&alias=champion`);
    return ((await res.json()) as { model_version?: { version: string } }).model_version?.version;
  };

  test("first run: champion, deployment and monitor; second: promoted through a canary; third: rejected", {
    timeout: 600_000,
  }, async (t) => {
    // 1. Fewer features: the first model has no champion to beat; it becomes champion and is deployed.
    const first = await runExample("categories", "Contract");
    assert.match(first.train?.log_tail ?? "", /registered churn-py\/1/);
    assert.equal(first.train?.outputs?.version, "1");
    assert.equal(first.gate?.outputs?.promote, true);
    assert.equal(first.deploy?.outputs?.rollout_id, null);
    assert.equal(first.monitor?.status, "succeeded");
    assert.equal(await champion(), "1");
    const monitors = await homeFetch(home)(`${url}/api/modelworks/v1/monitors`);
    assert.match(await monitors.text(), /churn-py/);

    // The version is an MLflow sklearn model: its run holds the folder, the script's params and metrics.
    const runId = first.train?.outputs?.run_id as string;
    const run = await homeFetch(home)(`${url}/api/2.0/mlflow/runs/get?run_id=${runId}`);
    const runText = await run.text();
    assert.match(runText, /"key":"C"/);
    assert.match(runText, /"key":"roc_auc"/);

    // 2. Traffic on the deployment `up` serves, then the full feature set: promoted through the canary.
    const telco = await readTable(TELCO_CSV);
    const bodies = Array.from({ length: 40 }, (_, b) =>
      JSON.stringify({
        dataframe_records: [0, 1, 2, 3].map((i) => telcoRecord(telco, (b * 53 + i * 11) % telco.numRows)),
      }),
    );
    let served = false;
    while (!served) {
      const res = await homeFetch(home)(`${url}/deployments/churn-py/invocations`, {
        method: "POST",
        body: bodies[0],
        headers: { "content-type": "application/json" },
      });
      served = res.status === 200;
      await res.arrayBuffer();
      if (!served) await new Promise((r) => setTimeout(r, 200));
    }
    const load = new LoadGenerator(`${url}/deployments/churn-py/invocations`, bodies, {
      concurrency: 6,
      pauseMs: 5,
      headers: { authorization: homeAuthorization(home) },
    }).start();
    try {
      // From 25 %: the candidate gets the requests each analysis needs from this test's traffic. Its
      // one Python worker has just started, on a machine running other suites: latency is not
      // what this test judges (src/rollout/rollout-e2e.test.ts does), so its slack is wide.
      const second = await runExample("steps", "25,50,100", "latency_slack_ms", "200");
      t.diagnostic(`second gate: ${second.gate?.outputs?.reason}`);
      assert.equal(second.gate?.outputs?.promote, true);
      assert.equal(typeof second.deploy?.outputs?.rollout_id, "string");
      for (;;) {
        const r = (await api().getRollout({ name: "churn-py" })).rollout;
        if (r.phase === "succeeded") break;
        assert.notEqual(r.phase, "rolled_back", r.reason);
        await new Promise((res) => setTimeout(res, 200));
      }
    } finally {
      await load.stop();
    }
    const stats = load.stats;
    t.diagnostic(`traffic: ${JSON.stringify([...stats.byStatus])} by variant ${JSON.stringify([...stats.byVariant])}`);
    assert.equal(load.failures(), 0, JSON.stringify([...stats.byStatus]));
    assert.ok((stats.byVariant.get("candidate") ?? 0) > 0);
    assert.equal(await champion(), "2");

    // 3. Heavily regularized: worse on the holdout, rejected at the gate; nothing is deployed.
    const third = await runExample("C", "0.0005");
    t.diagnostic(`third gate: ${third.gate?.outputs?.reason}`);
    assert.equal(third.gate?.outputs?.promote, false);
    assert.match(String(third.deploy?.status), /skipped/);
    assert.equal(await champion(), "2");
  });
});
