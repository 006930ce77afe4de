/**
 * Rollouts end to end: a real `modelworks up`, real traffic from a load generator, rollouts started
 * and steered through the CLI, short intervals. Each outcome the controller can reach is driven by
 * a real model package: a good candidate, one that fails on some inputs, a slow one and one whose
 * scores are shifted (faults injected into the package), and a server killed mid-rollout.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { main } from "../cli/main.js";
import { captureIo } from "../cli/test-support/capture-io.js";
import { homeAuthorization, homeFetch } from "../cli/test-support/home-auth.js";
import { registerModels } from "../cli/test-support/register-model.js";
import type { SpawnedCli } from "../cli/test-support/spawn-cli.js";
import { spawnCli } from "../cli/test-support/spawn-cli.js";
import type { RolloutInfo } from "../core/api/platform-routes.js";
import { resolveConfig } from "../core/config.js";
import type { CaptureServer } from "../core/test-support/capture-server.js";
import { captureServer } from "../core/test-support/capture-server.js";
import { TELCO_CSV } from "../core/test-support/shared-data.js";
import { readTable } from "../data/read-table.js";
import type { ModelFaults } from "../learn/package/model-faults.js";
import type { ModelPackage } from "../learn/package/model-package.js";
import { fitTelcoPackage, telcoRecord } from "../learn/test-support/telco-models.js";
import { createPlatformClient } from "../sdk/platform-client.js";
import { openPlatform } from "../server/open-platform.js";
import { LoadGenerator } from "./test-support/load-generator.js";

// Windows long enough for ~15+ candidate requests at 20 % on a loaded 2-core CI machine.
const INTERVAL = "3s";
type Scenario = "good" | "fail" | "slow" | "shift" | "restart";
const SCENARIOS: Record<Scenario, ModelFaults> = {
  good: {},
  fail: { fail_when: { column: "Contract", values: ["Two year"] } },
  // Far beyond any scheduling noise of a loaded 2-core CI machine (the others get a wide slack).
  slow: { delay_ms: 250 },
  shift: { score_shift: 0.4 },
  restart: {},
};

describe("rollouts end to end (real server, real traffic)", () => {
  let home: string;
  let server: SpawnedCli;
  let url: string;
  let bodies: string[];
  let hooks: CaptureServer;
  let notices: CaptureServer;

  const api = () => createPlatformClient({ baseUrl: url, fetch: homeFetch(home) });
  const upArgs = () => [
    "up",
    "--home",
    home,
    "--port",
    "0",
    "--json",
    "--poll-ms",
    "100",
    "--sync-ms",
    "200",
    "--rollout-tick-ms",
    "100",
    // The hooks and notifications go to capture servers on loopback, refused unless listed.
    "--allow-outbound",
    "127.0.0.1",
  ];

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-rollout-e2e-"));
    const telco = await readTable(TELCO_CSV);
    const primary = await fitTelcoPackage(telco, 30);
    // 32 trees: a retrained model that scores the population alike (true PSI vs the primary 0.009).
    const candidate = await fitTelcoPackage(telco, 32);
    for (const [name, faults] of Object.entries(SCENARIOS)) {
      const bad: ModelPackage = Object.keys(faults).length ? { ...candidate, faults } : candidate;
      await registerModels(home, `churn-${name}`, [primary, bad], { champion: "1" });
    }
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    for (const name of Object.keys(SCENARIOS)) {
      await platform.deployments.create({ name: `churn-${name}`, primary: `churn-${name}@champion` });
    }
    await platform.close();
    // Batches of 8 customers: enough scores per window for the distribution check.
    bodies = Array.from({ length: 60 }, (_, b) =>
      JSON.stringify({
        dataframe_records: Array.from({ length: 8 }, (_, i) => telcoRecord(telco, (b * 97 + i * 13) % telco.numRows)),
      }),
    );
    hooks = await captureServer();
    notices = await captureServer();
    server = await spawnCli(upArgs(), {});
    url = (JSON.parse(server.firstLine) as { url: string }).url;
  });

  after(async () => {
    await server?.stop();
    await hooks?.close();
    await notices?.close();
    rmSync(home, { recursive: true, force: true });
  });

  // The slow candidate holds a client 250 ms: more clients keep its windows' request counts up.
  const load = (scenario: Scenario) =>
    new LoadGenerator(`${url}/deployments/churn-${scenario}/invocations`, bodies, {
      concurrency: scenario === "slow" ? 8 : 3,
      pauseMs: 10,
      headers: { authorization: homeAuthorization(home) },
    }).start();

  /** `modelworks rollout ...` in-process against the server's API. */
  async function cli(...args: string[]): Promise<{ code: number; out: string }> {
    const io = captureIo(home);
    const code = await main([...args, "--tracking-uri", url], io);
    return { code, out: [...io.stdout, ...io.stderr].join("\n") };
  }

  async function startRollout(scenario: Scenario, ...extra: string[]): Promise<RolloutInfo> {
    const name = `churn-${scenario}`;
    const args = ["rollout", "start", name, "--candidate", `${name}/2`, "--steps", "20,50,100", "--interval", INTERVAL];
    const r = await cli(...args, "--threshold", "2", "--min-requests", "10", "--json", ...extra);
    assert.equal(r.code, 0, r.out);
    return (JSON.parse(r.out) as { rollout: RolloutInfo }).rollout;
  }

  async function finished(
    scenario: Scenario,
  ): Promise<{ rollout: RolloutInfo; events: { type: string; message: string; data?: Record<string, unknown> }[] }> {
    for (;;) {
      const s = await api().getRollout({ name: `churn-${scenario}` });
      if (s.rollout.phase === "succeeded" || s.rollout.phase === "rolled_back") return s;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const aliasOf = async (model: string, alias: string) => {
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    try {
      return (await platform.registry.getModelVersionByAlias({ name: model, alias })).version;
    } catch {
      return undefined;
    } finally {
      await platform.close();
    }
  };

  test("a good candidate is promoted through every step; failing, slow and shifted ones are rolled back", {
    timeout: 180_000,
  }, async (t) => {
    const scenarios: Scenario[] = ["good", "fail", "slow", "shift"];
    const loads = Object.fromEntries(scenarios.map((s) => [s, load(s)])) as Record<Scenario, LoadGenerator>;
    const hookFlags = ["pre-rollout", "rollout", "confirm-promotion", "post-rollout"].flatMap((type) => [
      "--webhook",
      `${type}=${hooks.url}/${type}`,
    ]);
    // Each faulty candidate is judged tightly on its own fault's check and loosely on the others, so
    // noise cannot roll it back for another reason: on a loaded CI machine a good candidate's thin
    // window saw a p99 of 20 ms against the primary's 2.5 ms (CPU starvation), and a PSI of 0.205.
    const slack = (s: Scenario) => [
      ...(s === "slow" ? [] : ["--latency-slack", "150ms"]),
      ...(s === "shift" ? [] : ["--max-psi", "1"]),
    ];
    await startRollout("good", ...hookFlags, ...slack("good"), "--notify", `${notices.url}/slack`);
    for (const s of scenarios.slice(1)) await startRollout(s, ...slack(s), "--notify", `${notices.url}/slack`);
    const results = Object.fromEntries(await Promise.all(scenarios.map(async (s) => [s, await finished(s)] as const)));
    for (const s of scenarios) await loads[s].stop();

    for (const s of scenarios) {
      const r = results[s]?.rollout as RolloutInfo;
      t.diagnostic(
        `${s}: ${r.phase} after ${(r.finished_time as number) - r.created_time} ms, ${r.analyses} analyses, ${r.failed_checks} failed — ${r.reason}`,
      );
    }

    for (const e of results.good?.events ?? []) if (e.data?.passed === false) t.diagnostic(`good failed: ${e.message}`);
    // Good: through 20, 50, 100 % and promoted; the alias moved, the former champion is `previous`.
    const good = results.good as Awaited<ReturnType<typeof finished>>;
    assert.equal(good.rollout.phase, "succeeded", good.rollout.reason);
    // A threshold of 2 tolerates one unlucky window on this shared 2-core machine; there is rarely one.
    assert.ok(good.rollout.failed_checks <= 1);
    assert.deepEqual(
      good.events
        .filter((e) => e.type === "rollout_step")
        .map((e) => e.data?.weight)
        .reverse(),
      [20, 50, 100],
    );
    assert.equal(await aliasOf("churn-good", "champion"), "2");
    assert.equal(await aliasOf("churn-good", "previous"), "1");
    const d = (await api().getDeployment({ name: "churn-good" })).deployment;
    assert.equal(d.primary, "churn-good@champion");
    assert.equal(d.candidate, undefined);
    // No request failed while the weights changed, and the candidate did answer some.
    assert.equal(loads.good.failures(), 0, JSON.stringify([...loads.good.stats.byStatus]));
    assert.ok((loads.good.stats.byVariant.get("candidate") ?? 0) > 0);

    // Each analysis carries its evidence: every check's value next to its threshold.
    const analysed = good.events.find(
      (e) => e.type === "rollout_step" && ((e.data?.checks as unknown[] | undefined) ?? []).length > 2,
    );
    const checks = analysed?.data?.checks as { check: string; value: number; threshold: number }[];
    assert.deepEqual(
      checks.map((c) => c.check).filter((c) => !c.startsWith("webhook:")),
      ["traffic", "error-rate", "latency-p99", "score-psi"],
    );

    // Webhooks: pre-rollout once, rollout at each analysis, confirm-promotion and post-rollout once.
    const calls = (type: string) => hooks.requests.filter((r) => r.url === `/${type}`);
    assert.equal(calls("pre-rollout").length, 1);
    assert.ok(calls("rollout").length >= 3);
    assert.equal(calls("confirm-promotion").length, 1);
    assert.equal(calls("post-rollout").length, 1);
    const payload = JSON.parse(calls("confirm-promotion")[0]?.body ?? "{}") as Record<string, unknown>;
    assert.equal(payload.deployment, "churn-good");
    assert.equal(payload.candidate, "churn-good/2");

    // Failing on some inputs: rolled back after exactly `threshold` failed analyses, i.e. within
    // threshold × interval of its first step; the primary is untouched.
    for (const [s, check] of [
      ["fail", "error-rate"],
      ["slow", "latency-p99"],
      ["shift", "score-psi"],
    ] as const) {
      const r = results[s]?.rollout as RolloutInfo;
      assert.equal(r.phase, "rolled_back", `${s}: ${r.reason}`);
      assert.equal(r.failed_checks, 2, `${s}: ${r.reason}`);
      assert.equal(r.analyses, 2, `${s}: ${r.reason}`);
      // The fault's own check failed an analysis; under load a thin window may fail `traffic` too,
      // and the reason names the first failing check, so look at every analysis's evidence.
      const failed = (results[s]?.events ?? [])
        .flatMap((e) => (e.data?.checks as { check: string; passed: boolean }[] | undefined) ?? [])
        .filter((c) => !c.passed)
        .map((c) => c.check);
      assert.ok(failed.includes(check), `${s}: ${r.reason}; failed checks: ${failed.join(", ")}`);
      const dep = (await api().getDeployment({ name: `churn-${s}` })).deployment;
      assert.equal(dep.candidate, undefined);
      assert.equal(dep.candidate_weight, 0);
      assert.equal(await aliasOf(`churn-${s}`, "champion"), "1");
    }
    // The slow and shifted candidates fail no request; only the failing one does.
    assert.equal(loads.slow.failures(), 0);
    assert.equal(loads.shift.failures(), 0);
    assert.ok(loads.fail.failures() > 0);

    // Notifications: Slack-compatible JSON for start, each step, promotion and rollback.
    const texts = notices.requests.map((r) => (JSON.parse(r.body) as { text: string }).text);
    assert.ok(
      texts.some((x) => /churn-good/.test(x) && /promot/i.test(x)),
      texts.join("\n"),
    );
    assert.ok(
      texts.some((x) => /churn-fail/.test(x) && /roll/i.test(x)),
      texts.join("\n"),
    );
    assert.ok(texts.filter((x) => /churn-good/.test(x)).length >= 5, texts.join("\n"));

    // `rollout rollback` after the promotion: one command back to the former champion.
    const back = await cli("rollout", "rollback", "churn-good", "--json");
    assert.equal(back.code, 0, back.out);
    assert.equal(await aliasOf("churn-good", "champion"), "1");
    assert.equal(await aliasOf("churn-good", "previous"), undefined);
    const status = await cli("rollout", "status", "churn-good");
    assert.match(status.out, /RolledBack — rolled back after promotion/);
  });

  test("a server killed in the middle of a rollout (started in shadow mode) resumes it where it was after a restart", {
    timeout: 180_000,
  }, async (t) => {
    const gen = load("restart");
    const started = await startRollout("restart", "--interval", "2s", "--shadow-first");
    // Wait for the second step, then kill the server without warning.
    for (;;) {
      const s = await api().getRollout({ name: "churn-restart" });
      if (s.rollout.step_index >= 1) break;
      assert.ok(s.rollout.phase !== "rolled_back", s.rollout.reason);
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = (await api().getRollout({ name: "churn-restart" })).rollout;
    server.proc.kill("SIGKILL");
    await server.stop();
    server = await spawnCli(upArgs(), {});
    url = (JSON.parse(server.firstLine) as { url: string }).url;
    const retarget = load("restart");
    const done = await finished("restart");
    await gen.stop();
    await retarget.stop();
    t.diagnostic(
      `restart: ${done.rollout.phase} after ${(done.rollout.finished_time as number) - started.created_time} ms`,
    );
    assert.equal(done.rollout.phase, "succeeded", done.rollout.reason);
    assert.equal(done.rollout.id, started.id);
    // Shadow first, then it continued from the step it had reached: each weight was entered once.
    assert.ok(done.events.some((e) => e.type === "rollout_shadow"));
    const steps = done.events
      .filter((e) => e.type === "rollout_step")
      .map((e) => e.data?.weight)
      .reverse();
    assert.deepEqual(steps, [20, 50, 100]);
    assert.ok(before.step_index >= 1);
    assert.equal(retarget.failures(), 0);
    assert.equal(await aliasOf("churn-restart", "champion"), "2");
  });
});
