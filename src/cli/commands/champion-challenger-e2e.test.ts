/**
 * Bring your own models through the whole delivery loop, in spawned processes: a scikit-learn
 * champion and an XGBoost challenger (MLflow 2.x folders, test-fixtures/runtimes/champion-challenger)
 * are registered with `models log`; `modelworks up` serves the champion under traffic; a pipeline
 * gates the challenger against the champion on a holdout and rolls it out as a canary that `up`
 * drives to promotion. No request fails on the way, and the deployment ends answering with
 * XGBoost's own predictions.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { LoadGenerator } from "../../rollout/test-support/load-generator.js";
import { DEBIAN_PYTHON, sklearnSkipReason } from "../../runtimes/python/test-support/fixtures.js";
import { createPlatformClient } from "../../sdk/platform-client.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { homeAuthorization, homeFetch } from "../test-support/home-auth.js";
import type { SpawnedCli } from "../test-support/spawn-cli.js";
import { spawnCli } from "../test-support/spawn-cli.js";

const FIXTURES = fileURLToPath(new URL("../../../test-fixtures/runtimes/champion-challenger/", import.meta.url));
const SKIP = sklearnSkipReason();
const PYTHON_ENV = { MODELWORKS_PYTHON: DEBIAN_PYTHON, MODELWORKS_PYTHON_WORKERS: "1" };

interface Expected {
  rows: Record<string, number | null>[];
  champion: number[];
  challenger: number[];
}

function assertClose(got: number[], want: number[], tolerance: number): void {
  assert.equal(got.length, want.length);
  for (const [i, p] of got.entries()) {
    assert.ok(Math.abs(p - (want[i] as number)) <= tolerance, `row ${i}: ${p} vs ${want[i]}`);
  }
}

/** The gate and the canary, as a data scientist's CI would run them on a newly logged version. */
const PIPELINE = `name: churn-byom
params:
  holdout: ${join(FIXTURES, "holdout.csv")}
  candidate: "0"
steps:
  - name: holdout
    type: ingest
    with: {file: "\${params.holdout}", dataset: churn_byom_holdout, label: churned}
  - name: gate
    type: gate
    needs: [holdout]
    with:
      model: churn
      candidate: "\${params.candidate}"
      eval: "\${steps.holdout.outputs.dataset}@\${steps.holdout.outputs.version}"
      label: churned
      metric: roc_auc
      min_improvement: 0.01
  - name: deploy
    type: deploy
    needs: [gate]
    when: "\${steps.gate.outputs.promote}"
    with:
      deployment: churn
      candidate: "churn/\${params.candidate}"
      steps: [25, 50, 100]
      interval: 1500ms
      wait: true
      poll_interval: 200ms
      # Another algorithm on purpose: its scores are distributed differently from the champion's.
      checks: {max_score_psi: 10, min_requests: 10}
`;

describe("an sklearn champion and an XGBoost challenger: models log → gate → canary → promoted", {
  skip: SKIP,
}, () => {
  let home: string;
  let up: SpawnedCli | undefined;
  let url: string;
  const expected = JSON.parse(readFileSync(join(FIXTURES, "expected.json"), "utf8")) as Expected;

  const cli = async (...argv: string[]) => {
    const io = captureIo(home);
    Object.assign(io.env, PYTHON_ENV);
    const code = await main(argv, io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const ok = async (...argv: string[]) => {
    const r = await cli(...argv);
    assert.equal(r.code, 0, `${argv.join(" ")}: ${r.err}`);
    return r;
  };
  const invoke = async () => {
    const res = await homeFetch(home)(`${url}/deployments/churn/invocations`, {
      method: "POST",
      body: JSON.stringify({ dataframe_records: expected.rows }),
      headers: { "content-type": "application/json" },
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return (JSON.parse(text) as { predictions: { probability: number }[] }).predictions.map((p) => p.probability);
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-byom-cc-"));
    await ok("models", "log", join(FIXTURES, "champion-sklearn"), "--name", "churn", "--alias", "champion");
    await ok("deployments", "create", "churn", "--model", "churn@champion");
    const upArgs = ["up", "--port", "0", "--json", "--poll-ms", "100", "--sync-ms", "200", "--rollout-tick-ms", "100"];
    up = await spawnCli(upArgs, { MODELWORKS_HOME: home, ...PYTHON_ENV });
    url = (JSON.parse(up.firstLine) as { url: string }).url;
  });
  after(async () => {
    await up?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("the challenger beats the champion at the gate, is rolled out under traffic and promoted", {
    timeout: 240_000,
  }, async (t) => {
    // Before: the scikit-learn champion answers with its own predict_proba.
    const before = await invoke();
    assertClose(before, expected.champion, 1e-9);

    const bodies = expected.rows.map((_, i) =>
      JSON.stringify({ dataframe_records: [0, 1, 2, 3].map((k) => expected.rows[(i + k) % expected.rows.length]) }),
    );
    const load = new LoadGenerator(`${url}/deployments/churn/invocations`, bodies, {
      concurrency: 4,
      pauseMs: 5,
      headers: { authorization: homeAuthorization(home) },
    }).start();

    let run: Awaited<ReturnType<typeof cli>>;
    try {
      const logged = JSON.parse(
        (await ok("models", "log", join(FIXTURES, "challenger-xgboost"), "--name", "churn", "--json")).out,
      ) as { version: string };
      assert.equal(String(logged.version), "2");
      const file = join(home, "churn-byom.yaml");
      writeFileSync(file, PIPELINE);
      run = await cli("pipeline", "run", file, "--param", "candidate=2", "--json");
    } finally {
      await load.stop();
    }
    const stats = load.stats;
    assert.equal(run.code, 0, `${run.out}\n${run.err}`);

    const show = JSON.parse(run.out) as {
      steps: { step: string; status: string; outputs?: Record<string, unknown> }[];
    };
    const gate = show.steps.find((s) => s.step === "gate")?.outputs as {
      promote: boolean;
      reason: string;
      evidence: { metrics?: unknown };
    };
    t.diagnostic(`gate: ${gate.reason}`);
    assert.equal(gate.promote, true, gate.reason);
    const deploy = show.steps.find((s) => s.step === "deploy");
    assert.equal(deploy?.status, "succeeded");
    assert.equal(deploy?.outputs?.phase, "succeeded");

    // The rollout moved traffic through its steps with nothing failing, each variant answering.
    t.diagnostic(`traffic: ${JSON.stringify([...stats.byStatus])} by variant ${JSON.stringify([...stats.byVariant])}`);
    assert.equal(load.failures(), 0, JSON.stringify([...stats.byStatus]));
    assert.equal(stats.networkErrors, 0);
    assert.ok((stats.byVariant.get("candidate") ?? 0) > 0, "the challenger answered during the canary");
    assert.ok((stats.byVariant.get("primary") ?? 0) > 0, "the champion answered during the canary");

    const api = createPlatformClient({ baseUrl: url, fetch: homeFetch(home) });
    const rollout = await api.getRollout({ name: "churn" });
    assert.equal(rollout.rollout.phase, "succeeded", rollout.rollout.reason);
    const steps = rollout.events.filter((e) => e.type === "rollout_step").map((e) => e.data?.weight);
    assert.deepEqual(steps.reverse(), [25, 50, 100]);
    const aliasOf = async (alias: string) => {
      const res = await homeFetch(home)(`${url}/api/2.0/mlflow/registered-models/alias?name=churn&alias=${alias}`);
      return ((await res.json()) as { model_version?: { version: string } }).model_version?.version;
    };
    assert.equal(await aliasOf("champion"), "2");
    assert.equal(await aliasOf("previous"), "1");
    const deployment = (await api.getDeployment({ name: "churn" })).deployment;
    assert.equal(deployment.primary, "churn@champion");
    assert.equal(deployment.candidate, undefined);

    // After: the deployment follows churn@champion, now the XGBoost version, with xgboost's predictions.
    for (;;) {
      const after = await invoke();
      if (Math.abs((after[0] as number) - (expected.champion[0] as number)) > 1e-9) {
        assertClose(after, expected.challenger, 1e-6);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
