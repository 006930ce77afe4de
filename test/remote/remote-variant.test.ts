/**
 * A remote variant end to end, in spawned processes: a second `modelworks serve` (its own home,
 * its own token) answers as the remote endpoint; the platform's `up` serves a deployment whose
 * candidate is a version registered with `models register-remote` over OIP v2, rolls it out as a
 * canary to promotion under real traffic, logs its predictions under its own version, monitors it,
 * then serves an MLflow-scoring remote version of the same endpoint, and answers 503 when the
 * endpoint goes away.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { trainingDriftReference } from "../../src/cli/commands/training-run.js";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/test-support/capture-io.js";
import { homeAuthorization } from "../../src/cli/test-support/home-auth.js";
import { registerModels } from "../../src/cli/test-support/register-model.js";
import type { SpawnedCli } from "../../src/cli/test-support/spawn-cli.js";
import { spawnCli } from "../../src/cli/test-support/spawn-cli.js";
import type { MonitorResultInfo, RolloutInfo } from "../../src/core/api/platform-routes.js";
import { resolveConfig } from "../../src/core/config.js";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import type { Table } from "../../src/data/table.js";
import { fitTelcoPackage, telcoRecord } from "../../src/learn/test-support/telco-models.js";
import { LoadGenerator } from "../../src/rollout/test-support/load-generator.js";
import { openPlatform } from "../../src/server/open-platform.js";
import { SqlPredictionLogStore } from "../../src/serving/prediction-log/sql/sql-prediction-log-store.js";

const TOKEN_ENV = "MODELWORKS_REMOTE_TOKEN_SCORER";

describe("a remote variant served by a second modelworks serve", () => {
  let telco: Table;
  let scorerHome: string;
  let home: string;
  let scorer: SpawnedCli | undefined;
  let scorerUrl: string;
  let token: string;
  let up: SpawnedCli | undefined;
  let url: string;

  /** `modelworks ...` in-process on the platform's home (with the endpoint's token in the environment). */
  async function cli(...argv: string[]): Promise<string> {
    const io = captureIo(home);
    io.env[TOKEN_ENV] = token;
    const code = await main(argv, io);
    assert.equal(code, 0, io.stderr.join("\n"));
    return io.stdout.join("\n");
  }
  const invoke = (records: Record<string, unknown>[]) =>
    fetch(`${url}/deployments/churn-web/invocations`, {
      method: "POST",
      body: JSON.stringify({ dataframe_records: records }),
      headers: { "content-type": "application/json", authorization: homeAuthorization(home) },
    });

  before(async () => {
    telco = await readTable(TELCO_CSV);
    scorerHome = mkdtempSync(join(tmpdir(), "mw-remote-scorer-"));
    home = mkdtempSync(join(tmpdir(), "mw-remote-platform-"));
    const pkg = { ...(await fitTelcoPackage(telco, 30)), driftReference: trainingDriftReference(telco) };
    // The same model on both sides: the remote candidate scores exactly as the champion.
    await registerModels(scorerHome, "churn-scorer", [pkg], { champion: "1" });
    await registerModels(home, "churn", [pkg], { champion: "1" });
    scorer = await spawnCli(["serve", "churn-scorer@champion", "--port", "0", "--json"], {
      MODELWORKS_HOME: scorerHome,
    });
    scorerUrl = (JSON.parse(scorer.firstLine) as { url: string }).url;
    token = homeAuthorization(scorerHome).slice("Bearer ".length);
  });

  after(async () => {
    await up?.stop();
    await scorer?.stop();
    rmSync(scorerHome, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  test("registered over OIP v2, canaried to promotion, logged under its version, monitored; MLflow scoring too; 503 once gone", {
    timeout: 240_000,
  }, async (t) => {
    const v2 = JSON.parse(
      await cli(
        "models",
        "register-remote",
        "churn",
        "--url",
        `${scorerUrl}/v2/models/churn-scorer`,
        "--like",
        "churn@champion",
        "--token-env",
        TOKEN_ENV,
        "--allow-outbound",
        "127.0.0.1",
        "--json",
      ),
    ) as { version: string; protocol: string };
    assert.deepEqual([v2.version, v2.protocol], ["2", "v2"]);
    const mlflow = JSON.parse(
      await cli(
        "models",
        "register-remote",
        "churn",
        "--url",
        `${scorerUrl}/invocations`,
        "--like",
        "churn/1",
        "--token-env",
        TOKEN_ENV,
        "--allow-outbound",
        "127.0.0.1",
        "--json",
      ),
    ) as { version: string; protocol: string };
    assert.deepEqual([mlflow.version, mlflow.protocol], ["3", "mlflow"]);
    await cli("deployments", "create", "churn-web", "--model", "churn@champion");

    const upArgs = ["up", "--home", home, "--port", "0", "--json", "--poll-ms", "100", "--sync-ms", "200"];
    up = await spawnCli([...upArgs, "--rollout-tick-ms", "100", "--allow-outbound", "127.0.0.1"], {
      [TOKEN_ENV]: token,
    });
    url = (JSON.parse(up.firstLine) as { url: string }).url;

    // Canary: the remote version as candidate, 50 % then 100 %, under steady traffic.
    const bodies = Array.from({ length: 40 }, (_, b) =>
      JSON.stringify({
        dataframe_records: Array.from({ length: 8 }, (_, i) => telcoRecord(telco, (b * 89 + i * 7) % telco.numRows)),
      }),
    );
    const load = new LoadGenerator(`${url}/deployments/churn-web/invocations`, bodies, {
      concurrency: 2,
      pauseMs: 10,
      headers: { authorization: homeAuthorization(home) },
    }).start();
    const started = JSON.parse(
      await cli(
        "rollout",
        "start",
        "churn-web",
        "--candidate",
        "churn/2",
        "--steps",
        "50,100",
        "--interval",
        "1500ms",
        "--threshold",
        "2",
        "--min-requests",
        "10",
        // The remote hop adds a connection's latency to the candidate's answers.
        "--latency-slack",
        "50ms",
        "--json",
        "--tracking-uri",
        url,
      ),
    ) as { rollout: RolloutInfo };
    assert.equal(started.rollout.candidate, "churn/2");
    let rollout: RolloutInfo;
    for (;;) {
      rollout = (
        JSON.parse(await cli("rollout", "status", "churn-web", "--json", "--tracking-uri", url)) as {
          rollout: RolloutInfo;
        }
      ).rollout;
      if (rollout.phase === "succeeded" || rollout.phase === "rolled_back") break;
      await sleep(100);
    }
    await load.stop();
    t.diagnostic(`rollout ${rollout.phase}: ${rollout.reason}; ${JSON.stringify([...load.stats.byVariant])}`);
    assert.equal(rollout.phase, "succeeded", rollout.reason);
    assert.equal(load.failures(), 0, JSON.stringify([...load.stats.byStatus]));
    assert.ok((load.stats.byVariant.get("candidate") ?? 0) > 0, "the remote candidate answered");

    // Promoted: the alias names the remote version, which now answers as the primary.
    const first = telcoRecord(telco, 0);
    // As the primary: the candidate (the same version) may answer until the server sees the promotion,
    // and only a primary's answer puts a primary row in the log.
    const promoted = await untilModel(invoke, [first], "churn/2", "primary");
    const remoteScore = ((await promoted.json()) as { predictions: { probability: number }[] }).predictions[0]
      ?.probability;

    // Predictions are logged under the remote version, on both variants it served as.
    const logged = await waitFor(async () => {
      const rows = await predictions(home, "churn-web");
      return rows.some((r) => r.modelVersion === "2" && r.variant === "primary") ? rows : undefined;
    });
    assert.ok(logged.some((r) => r.modelVersion === "2" && r.variant === "candidate"));
    assert.ok(logged.some((r) => r.modelVersion === "1" && r.variant === "primary"));
    // ... and the endpoint really scored them (it logs what it answered in its own home).
    assert.ok((await predictions(scorerHome, "churn-scorer")).length > 0);

    // Monitored: a run over the primary's window reports the remote version with drift computed
    // against the reference --like copied.
    await cli("monitor", "set", "churn-web", "--window", "1h", "--tracking-uri", url);
    // Windows are merged from aggregates a background thread keeps: the newest rows reach them a
    // moment after the log, so run again until the promoted version's rows are in.
    let run: { results: MonitorResultInfo[] } = { results: [] };
    for (let attempt = 0; attempt < 50 && !run.results.some((r) => r.version === "2"); attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 200));
      run = JSON.parse(await cli("monitor", "run", "churn-web", "--json", "--tracking-uri", url)) as {
        results: MonitorResultInfo[];
      };
    }
    const mine = run.results.find((r) => r.version === "2");
    assert.ok(mine, JSON.stringify(run.results));
    assert.equal(mine.error, undefined);
    assert.ok(mine.rows > 0);
    assert.equal(mine.reference, "package");
    assert.equal(typeof mine.dataset_drift, "boolean");

    // The MLflow-scoring remote version as a candidate at 100 %: the same scores.
    await cli("deployments", "update", "churn-web", "--candidate", "churn/3", "--weight", "100", "--tracking-uri", url);
    const viaMlflow = await untilModel(invoke, [first], "churn/3", "candidate");
    const mlflowScore = ((await viaMlflow.json()) as { predictions: { probability: number }[] }).predictions[0]
      ?.probability;
    assert.equal(viaMlflow.headers.get("x-modelworks-variant"), "candidate");
    assert.ok(Math.abs((mlflowScore as number) - (remoteScore as number)) < 1e-12, `${mlflowScore} vs ${remoteScore}`);

    // The endpoint goes away: its variant answers 503 naming the host, not a hang, not a crash.
    assert.equal(await scorer?.stop(), 0);
    scorer = undefined;
    const down = await invoke([first]);
    const body = (await down.json()) as { error_code: string; message: string };
    assert.equal(down.status, 503, JSON.stringify(body));
    assert.equal(body.error_code, "TEMPORARILY_UNAVAILABLE");
    assert.match(body.message, /The remote model at 127\.0\.0\.1:\d+ cannot be reached \(ECONNREFUSED\)/);
    // The token reached no answer, log, event or registry record.
    const events = await cli("deployments", "events", "churn-web", "--json", "--tracking-uri", url);
    const versions = await cli("models", "show", "churn", "--json", "--tracking-uri", url);
    assert.ok(events.includes("churn/2") && versions.includes("remote"), "events and versions were read");
    for (const text of [JSON.stringify(body), up.stderr(), events, versions]) assert.ok(!text.includes(token));
  });
});

/** Post until the answer comes from `model` (changes apply at the next refresh). */
async function untilModel(
  invoke: (records: Record<string, unknown>[]) => Promise<Response>,
  records: Record<string, unknown>[],
  model: string,
  variant: "primary" | "candidate",
): Promise<Response> {
  for (let i = 0; i < 200; i++) {
    const res = await invoke(records);
    const h = res.headers;
    if (res.status === 200 && h.get("x-modelworks-model") === model && h.get("x-modelworks-variant") === variant) {
      return res;
    }
    await res.arrayBuffer();
    await sleep(50);
  }
  assert.fail(`never answered by ${model} as the ${variant}`);
}

/** The logged predictions of a deployment in a home. */
async function predictions(home: string, deployment: string) {
  const platform = await openPlatform(resolveConfig({ home }, {}, home));
  try {
    return await new SqlPredictionLogStore(platform.db).listPredictions({ deployment });
  } finally {
    await platform.close();
  }
}

async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await sleep(100);
  }
  assert.fail("the condition never held");
}
