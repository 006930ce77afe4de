import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import type { RolloutFixture } from "../../rollout/test-support/rollout-fixture.js";
import { registerTwoVersions, rolloutFixture } from "../../rollout/test-support/rollout-fixture.js";
import { PermanentStepError } from "../step-executor.js";
import { stepContext } from "../test-support/step-context.js";
import type { DeployExecutorDeps } from "./deploy.js";
import { deployExecutor } from "./deploy.js";

let f: RolloutFixture;
beforeEach(async () => {
  f = await rolloutFixture();
});
afterEach(() => f.close());

const ctx = (settings: Record<string, unknown>, signal?: AbortSignal) =>
  stepContext("deploy", settings, signal ? { signal } : {});

const executor = (sleep?: DeployExecutorDeps["sleep"]) =>
  deployExecutor({
    rollouts: f.service,
    deployments: f.deployments,
    registry: f.registry,
    ...(sleep ? { sleep } : {}),
  });

const alias = (model: string, a: string) =>
  f.registry.getModelVersionByAlias({ name: model, alias: a }).then(
    (v) => v.version,
    () => undefined,
  );

test("the first model: champion set, deployment created, no canary", async () => {
  await f.registry.createRegisteredModel({ name: "m" });
  await f.registry.createModelVersion({ name: "m", source: "s3://m/1" });
  const out = await executor().run(ctx({ deployment: "prod", candidate: "m/1" }));
  assert.equal(out.rollout_id, null);
  assert.equal(out.phase, "succeeded");
  assert.equal(await alias("m", "champion"), "1");
  assert.equal((await f.deployments.get("prod")).primary, "m@champion");
  const again = await executor().run(ctx({ deployment: "prod", candidate: "m/1" }));
  assert.match(String(again.reason), /already serves m\/1/);
  assert.deepEqual(await f.service.list("prod"), []);
});

test("a challenger on an existing deployment starts a canary rollout; a retry finds the same rollout", async () => {
  await registerTwoVersions(f.registry, "m");
  await f.registry.setAlias({ name: "m", alias: "challenger", version: 2 });
  await f.deployments.create({ name: "prod", primary: "m@champion" });
  const settings = {
    deployment: "prod",
    candidate: "m@challenger",
    steps: "10, 50, 100",
    interval: "2m",
    threshold: "3",
    shadow_first: true,
    checks: { max_score_psi: 1.5, min_requests: "50" },
  };
  const out = await executor().run(ctx(settings));
  assert.equal(typeof out.rollout_id, "string");
  const [r] = await f.service.list("prod");
  assert.equal(r?.id, out.rollout_id);
  assert.equal(out.phase, r?.phase);
  assert.equal(r?.spec.candidate, "m/2");
  assert.deepEqual(r?.spec.steps, [10, 50, 100]);
  assert.equal(r?.spec.intervalMs, 120_000);
  assert.equal(r?.spec.threshold, 3);
  assert.equal(r?.spec.shadowFirst, true);
  assert.equal(r?.spec.thresholds.maxScorePsi, 1.5);
  assert.equal(r?.spec.thresholds.minRequests, 50);
  assert.equal(r?.spec.thresholds.latencyRatio, 1.5, "limits not named keep their defaults");
  const retry = await executor().run(ctx(settings));
  assert.equal(retry.rollout_id, out.rollout_id);
  assert.equal((await f.service.list("prod")).length, 1);
});

test("no deployment but a champion: the deployment is created and the candidate canaried", async () => {
  await registerTwoVersions(f.registry, "m");
  const out = await executor().run(ctx({ deployment: "new", candidate: "m/2" }));
  assert.equal(typeof out.rollout_id, "string");
  assert.equal((await f.deployments.get("new")).primary, "m@champion");
  assert.equal(await alias("m", "champion"), "1", "the rollout, not the step, moves the champion");
});

test("wait: polls until the rollout ends; promoted succeeds, rolled back fails the step", async () => {
  await registerTwoVersions(f.registry, "m", 3);
  await f.deployments.create({ name: "prod", primary: "m@champion" });
  const polls: number[] = [];
  const promoteOnSecondPoll: DeployExecutorDeps["sleep"] = async (ms) => {
    polls.push(ms);
    if (polls.length === 2) await f.service.promote("prod");
  };
  const c = ctx({ deployment: "prod", candidate: "m/2", wait: true, poll_interval: "5s" });
  const out = await executor(promoteOnSecondPoll).run(c);
  assert.equal(out.phase, "succeeded");
  assert.deepEqual(polls, [5000, 5000]);
  assert.equal(await alias("m", "champion"), "2");
  assert.ok(
    c.lines.some((l) => /succeeded, candidate at 100%/.test(l)),
    c.lines.join("\n"),
  );

  // Rollouts are listed by creation time; the fixture's clock only moves when told.
  f.time += 1000;
  const abort: DeployExecutorDeps["sleep"] = async () => {
    await f.service.abort("prod", "by the test");
  };
  await assert.rejects(
    executor(abort).run(ctx({ deployment: "prod", candidate: "m/3", wait: "true" })),
    (e) =>
      e instanceof PermanentStepError &&
      /Rollout \w+ of m\/3 on prod was rolled back: aborted by the test/.test(e.message),
  );
});

test("wait respects the step's signal; the rollout itself goes on", async () => {
  await registerTwoVersions(f.registry, "m");
  await f.deployments.create({ name: "prod", primary: "m@champion" });
  const ac = new AbortController();
  const sleep: DeployExecutorDeps["sleep"] = async (_ms, signal) => {
    ac.abort(new Error("step timed out"));
    signal.throwIfAborted();
  };
  await assert.rejects(
    executor(sleep).run(ctx({ deployment: "prod", candidate: "m/2", wait: true }, ac.signal)),
    /step timed out/,
  );
  assert.equal((await f.service.list("prod"))[0]?.phase, "initializing");
  // The default sleep is a real timer that an aborted signal rejects at once.
  const ac2 = new AbortController();
  ac2.abort(new Error("cancelled"));
  await f.service.abort("prod");
  f.time += 1000;
  await assert.rejects(
    executor().run(ctx({ deployment: "prod", candidate: "m/2", wait: true }, ac2.signal)),
    /cancelled|abort/i,
  );
});

test("bad settings are permanent errors naming the setting", async () => {
  const bad = (settings: Record<string, unknown>, re: RegExp) =>
    assert.rejects(
      executor().run(ctx(settings)),
      (e) => e instanceof PermanentStepError && /^step 'deploy': /.test(e.message) && re.test(e.message),
    );
  await bad({ candidate: "m/1" }, /'deployment'/);
  await bad({ deployment: "prod" }, /'candidate'/);
  await bad({ deployment: "prod", candidate: "m/1", steps: "5,x" }, /'steps'/);
  await bad({ deployment: "prod", candidate: "m/1", interval: "soon" }, /'interval'/);
  await bad({ deployment: "prod", candidate: "m/1", wait: "yes" }, /'wait'/);
  await bad(
    { deployment: "prod", candidate: "m/1", checks: { max_psi: 1 } },
    /'checks.max_psi' \(expected one of .*max_score_psi/,
  );
  await bad({ deployment: "prod", candidate: "m/1", checks: { min_requests: "many" } }, /'checks.min_requests'/);
  await bad({ deployment: "prod", candidate: "m/1", checks: [1] }, /'checks': expected a map/);
  await bad(
    { deployment: "prod", candidate: "m/1", intervall: "1s" },
    /Unknown deploy setting 'intervall' \(expected one of deployment, candidate/,
  );
  await registerTwoVersions(f.registry, "m");
  await f.deployments.create({ name: "prod", primary: "m@champion" });
  // Refused by the rollout itself (out of range): as permanent as a malformed setting.
  await assert.rejects(
    executor().run(ctx({ deployment: "prod", candidate: "m/2", checks: { max_score_psi: 500 } })),
    (e) => e instanceof PermanentStepError && /max_score_psi/.test(e.message),
  );
});
