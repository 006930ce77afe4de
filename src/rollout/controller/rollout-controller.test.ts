import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { SqlLeaseStore } from "../../core/leases/sql/sql-lease-store.js";
import type { LabeledScore } from "../../serving/prediction-log/prediction-log-store.js";
import type { CheckResult, VariantWindow } from "../analysis/window-checks.js";
import type { Harness } from "../test-support/controller-harness.js";
import {
  CANDIDATE,
  DEPLOYMENT,
  FakeLabels,
  FakeWindowSource,
  healthyReading,
  INTERVAL,
  MODEL,
  openHarness,
  slowLatency,
  T0,
  topScores,
  uniformScores,
} from "../test-support/controller-harness.js";
import type { RolloutController } from "./rollout-controller.js";

/** The checks recorded in an event's data. */
function checksOf(e: { data?: Record<string, unknown> } | undefined): CheckResult[] {
  return (e?.data?.checks ?? []) as CheckResult[];
}

function find(checks: CheckResult[], name: string): CheckResult {
  const c = checks.find((x) => x.check === name);
  assert.ok(c, `check ${name} in ${checks.map((x) => x.check).join(", ")}`);
  return c;
}

describe("RolloutController", () => {
  let h: Harness;
  let c: RolloutController;

  beforeEach(async () => {
    h = await openHarness();
    c = h.controller();
  });
  afterEach(() => h.close());

  /** Advance the clock, then tick once. */
  async function tickAfter(ms: number, controller = c): Promise<void> {
    h.clock.advance(ms);
    await controller.tick();
  }

  async function deployment() {
    return h.deployments.get(DEPLOYMENT);
  }

  async function champion(): Promise<string> {
    return (await h.registry.getModelVersionByAlias({ name: MODEL, alias: "champion" })).version;
  }

  /** Start, tick once: the rollout is at step 1 with its window open. */
  async function atFirstStep(over: Parameters<Harness["start"]>[0] = {}) {
    await h.start(over);
    await c.tick();
    const r = await h.rollout();
    assert.equal(r.phase, "progressing");
    assert.equal(r.stepIndex, 0);
    return r;
  }

  /** The rollout rolled back and cleaned up: weight 0, candidate gone, champion untouched. */
  async function assertRolledBack(reason: RegExp) {
    const r = await h.rollout();
    assert.equal(r.phase, "rolled_back");
    assert.equal(r.weight, 0);
    assert.equal(r.settled, true);
    assert.match(r.reason ?? "", reason);
    const d = await deployment();
    assert.equal(d.candidate, undefined);
    assert.equal(d.candidateWeight, 0);
    assert.equal(d.shadow, false);
    assert.equal(d.primary, `${MODEL}@champion`);
    assert.equal(await champion(), "1");
    assert.equal(h.hooks.count("post-rollout"), 1);
    assert.equal(h.hooks.count("confirm-promotion"), 0);
    return r;
  }

  describe("initializing", () => {
    test("waits until the candidate is loaded, then runs pre-rollout hooks and enters the first step", async () => {
      h.served.loaded = false;
      await h.start();
      await c.tick();
      await tickAfter(INTERVAL / 2);
      let r = await h.rollout();
      assert.equal(r.phase, "initializing");
      assert.equal(r.failedChecks, 0);
      assert.equal(h.hooks.count("pre-rollout"), 0);
      assert.equal((await deployment()).candidate, CANDIDATE);
      assert.equal((await deployment()).candidateWeight, 0);

      h.served.loaded = true;
      await tickAfter(100);
      r = await h.rollout();
      assert.equal(h.hooks.count("pre-rollout"), 1);
      assert.equal(r.phase, "progressing");
      assert.equal(r.failedChecks, 0);
      assert.equal(r.weight, 10);
      assert.equal((await deployment()).candidateWeight, 10);
    });

    test("a candidate not loaded an interval after the start fails candidate-loaded once per interval; threshold failures roll back", async () => {
      h.served.loaded = false;
      await h.start();
      await c.tick();
      await tickAfter(INTERVAL - 1);
      assert.equal((await h.rollout()).failedChecks, 0);

      await tickAfter(1);
      let r = await h.rollout();
      assert.equal(r.phase, "initializing");
      assert.equal(r.failedChecks, 1);
      const [failed] = await h.events("rollout_analysis");
      assert.equal(failed?.data?.passed, false);
      const loaded = find(checksOf(failed), "candidate-loaded");
      assert.equal(loaded.passed, false);
      assert.equal(loaded.value, 0);
      assert.equal(loaded.threshold, 1);

      // Not counted again before another interval.
      await tickAfter(INTERVAL - 1);
      assert.equal((await h.rollout()).failedChecks, 1);

      await tickAfter(1);
      r = await assertRolledBack(/analysis failed 2 of 2 allowed times; last: candidate-loaded/);
      assert.equal(r.failedChecks, 2);
      assert.equal(h.hooks.count("pre-rollout"), 0);
      const [rolled] = await h.events("rollout_rolled_back");
      assert.equal(find(checksOf(rolled), "candidate-loaded").passed, false);
      assert.deepEqual(
        h.notices.map((n) => n.kind),
        ["started", "rolled_back"],
      );
    });

    test("a failing pre-rollout hook counts a failure and is retried an interval later; passing enters steps[0]", async () => {
      h.hooks.status["pre-rollout"] = 503;
      await h.start();
      await c.tick();
      let r = await h.rollout();
      assert.equal(r.phase, "initializing");
      assert.equal(r.failedChecks, 1);
      assert.equal(h.hooks.count("pre-rollout"), 1);
      const hook = find(checksOf((await h.events("rollout_analysis"))[0]), "webhook:pre-rollout");
      assert.deepEqual([hook.passed, hook.value, hook.threshold], [false, 503, 299]);

      await tickAfter(INTERVAL - 1);
      assert.equal(h.hooks.count("pre-rollout"), 1);
      assert.equal((await h.rollout()).failedChecks, 1);

      h.hooks.status["pre-rollout"] = 204;
      await tickAfter(1);
      assert.equal(h.hooks.count("pre-rollout"), 2);
      r = await h.rollout();
      assert.equal(r.phase, "progressing");
      assert.equal(r.stepIndex, 0);
      assert.equal(r.weight, 10);
      assert.equal(r.failedChecks, 1);
      const d = await deployment();
      assert.deepEqual([d.candidate, d.candidateWeight, d.shadow], [CANDIDATE, 10, false]);
      assert.equal((await h.events("rollout_step")).length, 1);
      assert.deepEqual(
        h.notices.map((n) => [n.kind, n.weight]),
        [
          ["started", 0],
          ["step", 10],
        ],
      );
      assert.deepEqual(
        h.windows.opened.map((w) => [w.deployment, w.variant, w.at]),
        [[DEPLOYMENT, "candidate", h.clock.now()]],
      );
    });
  });

  describe("progressing", () => {
    test("healthy windows advance through every weight; a refusing confirm-promotion hook holds; 2xx promotes", async () => {
      await atFirstStep();
      assert.equal((await deployment()).candidateWeight, 10);

      await tickAfter(INTERVAL);
      let r = await h.rollout();
      assert.deepEqual([r.phase, r.stepIndex, r.weight, r.analyses], ["progressing", 1, 50, 1]);
      assert.equal((await deployment()).candidateWeight, 50);

      await tickAfter(INTERVAL);
      r = await h.rollout();
      assert.deepEqual([r.phase, r.stepIndex, r.weight, r.analyses], ["progressing", 2, 100, 2]);
      assert.equal((await deployment()).candidateWeight, 100);
      assert.deepEqual(
        (await h.events("rollout_step")).map((e) => e.data?.weight),
        [10, 50, 100],
      );

      // The last step passes, but confirm-promotion refuses: held at full weight.
      h.hooks.status["confirm-promotion"] = 409;
      await tickAfter(INTERVAL);
      r = await h.rollout();
      assert.equal(r.phase, "promoting");
      assert.equal(r.weight, 100);
      assert.equal(r.failedChecks, 0);
      assert.equal(r.promotion, undefined);
      assert.equal(h.hooks.count("confirm-promotion"), 1);
      const [held] = await h.events("rollout_held");
      assert.match(held?.message ?? "", /Promotion held by webhook:confirm-promotion/);
      assert.equal(find(checksOf(held), "webhook:confirm-promotion").value, 409);
      assert.equal(h.notices.at(-1)?.kind, "held");
      assert.equal(await champion(), "1");
      let d = await deployment();
      assert.deepEqual([d.candidate, d.candidateWeight], [CANDIDATE, 100]);

      // Still refusing: still held, never counted as a failure.
      for (let i = 0; i < 25; i++) await tickAfter(100);
      r = await h.rollout();
      assert.equal(r.phase, "promoting");
      assert.equal(r.failedChecks, 0);
      assert.ok(h.hooks.count("confirm-promotion") >= 2);

      h.hooks.status["confirm-promotion"] = 200;
      for (let i = 0; i < 25 && (await h.rollout()).phase === "promoting"; i++) await tickAfter(100);
      r = await h.rollout();
      assert.equal(r.phase, "succeeded");
      assert.equal(r.settled, true);
      assert.match(r.reason ?? "", /^promoted after \d+ analyses$/);
      assert.deepEqual(r.promotion && [r.promotion.alias, r.promotion.version, r.promotion.previousVersion], [
        "champion",
        "2",
        "1",
      ]);
      assert.equal(await champion(), "2");
      assert.equal((await h.registry.getModelVersionByAlias({ name: MODEL, alias: "previous" })).version, "1");
      d = await deployment();
      assert.deepEqual([d.primary, d.candidate, d.candidateWeight], [`${MODEL}@champion`, undefined, 0]);
      assert.equal(h.hooks.count("post-rollout"), 1);
      assert.equal(h.notices.at(-1)?.kind, "promoted");
      const [promoted] = await h.events("rollout_promoted");
      assert.equal((promoted?.data?.promotion as { version?: string })?.version, "2");
      assert.ok(checksOf(promoted).some((x) => x.check === "webhook:confirm-promotion" && x.passed));

      // Done: no more work, nothing else called.
      const calls = h.hooks.calls.length;
      await tickAfter(INTERVAL * 5);
      assert.equal(h.hooks.calls.length, calls);
      assert.deepEqual(await h.store.listOpen(), []);
      assert.deepEqual(h.warnings, []);
    });

    test("a promotion held once is asked again one interval later (as its message says)", {}, async () => {
      h.hooks.status["confirm-promotion"] = 409;
      await atFirstStep({ steps: [100] });
      await tickAfter(INTERVAL);
      assert.equal((await h.rollout()).phase, "promoting");
      assert.equal(h.hooks.count("confirm-promotion"), 1);
      h.hooks.status["confirm-promotion"] = 200;
      await tickAfter(INTERVAL);
      assert.equal(h.hooks.count("confirm-promotion"), 2);
      assert.equal((await h.rollout()).phase, "succeeded");
    });

    test("analysis runs only once intervalMs has passed since the window opened", async () => {
      await atFirstStep();
      const before = await h.rollout();
      h.windows.reading = healthyReading({ errors: 200 });
      for (let i = 0; i < 9; i++) await tickAfter(INTERVAL / 10);
      await tickAfter(INTERVAL / 10 - 1);
      assert.equal(h.windows.reads, 0);
      const r = await h.rollout();
      assert.equal(r.generation, before.generation);
      assert.deepEqual([r.stepIndex, r.analyses, r.failedChecks], [0, 0, 0]);
      assert.equal(h.hooks.count("rollout"), 0);

      await tickAfter(1);
      assert.equal(h.windows.reads, 1);
      assert.equal(h.hooks.count("rollout"), 1);
      const after = await h.rollout();
      assert.deepEqual([after.analyses, after.failedChecks, after.lastAnalysisTime], [1, 1, h.clock.now()]);
    });

    const failing: [string, Partial<VariantWindow>, (x: CheckResult) => void][] = [
      [
        "error-rate",
        { errors: 20 },
        (x) => {
          assert.equal(x.value, 0.1);
          assert.equal(x.threshold, 0.01);
        },
      ],
      [
        "latency-p99",
        { latency: slowLatency(200) },
        (x) => {
          // 200 requests a side support p97.5 (see supportedQuantile).
          assert.ok(Math.abs(x.value - 493.75) < 1e-6, `p97.5 ${x.value}`);
          assert.ok(Math.abs(x.threshold - 14.875) < 1e-6, `threshold ${x.threshold}`);
        },
      ],
      [
        "score-psi",
        { scores: topScores(200) },
        (x) => {
          assert.ok(x.value > 1, `psi ${x.value}`);
          assert.equal(x.threshold, 0.2);
        },
      ],
      [
        "traffic",
        { requests: 5, latency: slowLatency(5), scores: uniformScores(0.25) },
        (x) => {
          assert.equal(x.value, 5);
          assert.equal(x.threshold, 20);
        },
      ],
    ];
    for (const [name, candidate, evidence] of failing) {
      test(`a window failing ${name} counts one failure per analysis; the threshold rolls back with the evidence`, async () => {
        await atFirstStep();
        h.windows.reading = healthyReading(candidate);
        await tickAfter(INTERVAL);
        let r = await h.rollout();
        assert.deepEqual([r.phase, r.stepIndex, r.weight, r.failedChecks, r.analyses], ["progressing", 0, 10, 1, 1]);
        assert.equal((await deployment()).candidateWeight, 10);
        const [analysis] = await h.events("rollout_analysis");
        assert.equal(analysis?.data?.passed, false);
        assert.equal(analysis?.data?.failed_checks, 1);
        const failed = find(checksOf(analysis), name);
        assert.equal(failed.passed, false);
        evidence(failed);
        if (name === "traffic") {
          // Too little traffic: no other metric verdict.
          assert.deepEqual(
            checksOf(analysis).map((x) => x.check),
            ["webhook:rollout", "traffic"],
          );
        }

        // A new window opened at the failure: not analysed again before another interval.
        await tickAfter(INTERVAL - 1);
        assert.equal((await h.rollout()).failedChecks, 1);

        await tickAfter(1);
        r = await assertRolledBack(new RegExp(`analysis failed 2 of 2 allowed times; last: .*${name}`));
        assert.equal(r.failedChecks, 2);
        assert.equal(r.analyses, 2);
        const [rolled] = await h.events("rollout_rolled_back");
        assert.equal(rolled?.data?.failed_checks, 2);
        assert.equal(rolled?.data?.weight, 0);
        const checks = checksOf(rolled);
        assert.ok(checks.length >= 2);
        for (const x of checks) {
          assert.equal(typeof x.value, "number", `${x.check} value`);
          assert.equal(typeof x.threshold, "number", `${x.check} threshold`);
        }
        evidence(find(checks, name));
        assert.equal(h.notices.at(-1)?.kind, "rolled_back");
        assert.deepEqual(await h.store.listOpen(), []);
      });
    }

    test("a window failing several checks counts a single failure", async () => {
      await atFirstStep({ threshold: 5 });
      h.windows.reading = healthyReading({ errors: 50, latency: slowLatency(200), scores: topScores(200) });
      await tickAfter(INTERVAL);
      const r = await h.rollout();
      assert.equal(r.failedChecks, 1);
      const failedChecks = checksOf((await h.events("rollout_analysis"))[0]).filter((x) => !x.passed);
      assert.deepEqual(
        failedChecks.map((x) => x.check),
        ["error-rate", "latency-p99", "score-psi"],
      );
    });

    test("a failure below the threshold holds the step; failures add up across steps", async () => {
      await atFirstStep({ threshold: 2 });
      h.windows.reading = healthyReading({ errors: 20 });
      await tickAfter(INTERVAL);
      let r = await h.rollout();
      assert.deepEqual([r.stepIndex, r.failedChecks], [0, 1]);
      h.windows.reading = healthyReading();
      await tickAfter(INTERVAL);
      r = await h.rollout();
      assert.deepEqual([r.stepIndex, r.weight, r.failedChecks], [1, 50, 1]);
      assert.equal((await deployment()).candidateWeight, 50);

      h.windows.reading = healthyReading({ requests: 3 });
      await tickAfter(INTERVAL);
      r = await assertRolledBack(/last: traffic/);
      assert.equal(r.stepIndex, 1);
    });

    test("a failing rollout webhook fails the analysis", async () => {
      await atFirstStep({ threshold: 3 });
      h.hooks.status.rollout = 0;
      await tickAfter(INTERVAL);
      const r = await h.rollout();
      assert.deepEqual([r.stepIndex, r.failedChecks], [0, 1]);
      const hook = find(checksOf((await h.events("rollout_analysis"))[0]), "webhook:rollout");
      assert.deepEqual([hook.passed, hook.value], [false, 0]);
      assert.match(hook.detail, /timed out/);
    });

    test("no window stays open for a rollout that rolled back", {}, async () => {
      await atFirstStep({ threshold: 1 });
      h.windows.reading = healthyReading({ errors: 20 });
      await tickAfter(INTERVAL);
      assert.equal((await h.rollout()).phase, "rolled_back");
      assert.equal(h.windows.opened.length, 1);
    });
  });

  test("shadow first: the candidate scores copies at weight 0; a passing shadow window moves to steps[0]", async () => {
    await h.start({ shadowFirst: true });
    await c.tick();
    let r = await h.rollout();
    assert.deepEqual([r.phase, r.stepIndex, r.weight], ["shadow", -1, 0]);
    let d = await deployment();
    assert.deepEqual([d.candidate, d.shadow, d.candidateWeight], [CANDIDATE, true, 0]);
    assert.deepEqual(
      h.windows.opened.map((w) => w.variant),
      ["shadow"],
    );
    assert.equal((await h.events("rollout_shadow")).length, 1);

    await tickAfter(INTERVAL);
    r = await h.rollout();
    assert.deepEqual([r.phase, r.stepIndex, r.weight, r.analyses], ["progressing", 0, 10, 1]);
    d = await deployment();
    assert.deepEqual([d.shadow, d.candidateWeight], [false, 10]);
    assert.deepEqual(
      h.windows.opened.map((w) => w.variant),
      ["shadow", "candidate"],
    );
    assert.match(h.notices.at(-1)?.message ?? "", /Shadow analysis passed; step 1: 10 %/);
    const hookPhases = h.hooks.calls.filter((x) => x.spec.type === "rollout").map((x) => x.context.phase);
    assert.deepEqual(hookPhases, ["shadow"]);
  });

  test("a failing shadow window stays in shadow and counts a failure", async () => {
    await h.start({ shadowFirst: true, threshold: 3 });
    await c.tick();
    h.windows.reading = healthyReading({ scores: topScores(200) });
    await tickAfter(INTERVAL);
    const r = await h.rollout();
    assert.deepEqual([r.phase, r.failedChecks], ["shadow", 1]);
    assert.equal((await deployment()).shadow, true);
    assert.equal(h.windows.opened.at(-1)?.variant, "shadow");
  });

  describe("AUC check", () => {
    /** `n` labelled rows of each class; a good model scores positives high, a bad one low. */
    function rows(v: "primary" | "candidate", version: string, n: number, good: boolean): LabeledScore[] {
      return Array.from({ length: 2 * n }, (_, i) => {
        const positive = i % 2 === 0;
        const high = 0.6 + (i % 7) / 20;
        const low = 0.1 + (i % 7) / 20;
        return {
          variant: v,
          shadow: false,
          modelName: MODEL,
          modelVersion: version,
          score: positive === good ? high : low,
          label: positive === good ? "1" : "0",
          outcome: positive ? "1" : "0",
          time: T0 + i,
        };
      });
    }

    test("a candidate far below the primary's AUC fails check auc", async () => {
      const labels = new FakeLabels();
      labels.rows = [...rows("primary", "1", 100, true), ...rows("candidate", "2", 100, false)];
      c = h.controller({ labels });
      const started = await atFirstStep({ threshold: 3 });
      await tickAfter(INTERVAL);
      const r = await h.rollout();
      assert.deepEqual([r.stepIndex, r.failedChecks], [0, 1]);
      const auc = find(checksOf((await h.events("rollout_analysis"))[0]), "auc");
      assert.equal(auc.passed, false);
      assert.equal(auc.value, 0);
      assert.equal(auc.threshold, 1 - 0.02);
      assert.deepEqual(labels.queries, [{ deployment: DEPLOYMENT, since: started.createdTime }]);
    });

    test("an equally good candidate passes check auc", async () => {
      const labels = new FakeLabels();
      labels.rows = [...rows("primary", "1", 100, true), ...rows("candidate", "2", 100, true)];
      c = h.controller({ labels });
      await atFirstStep();
      await tickAfter(INTERVAL);
      assert.equal((await h.rollout()).stepIndex, 1);
      const auc = find(checksOf((await h.events("rollout_step")).at(-1)), "auc");
      assert.equal(auc.passed, true);
    });

    test("with too few labels the auc check is absent", async () => {
      const labels = new FakeLabels();
      labels.rows = [...rows("primary", "1", 30, true), ...rows("candidate", "2", 30, false)];
      c = h.controller({ labels });
      await atFirstStep();
      await tickAfter(INTERVAL);
      const r = await h.rollout();
      assert.deepEqual([r.stepIndex, r.failedChecks], [1, 0]);
      const checks = checksOf((await h.events("rollout_step")).at(-1));
      assert.ok(checks.length > 0);
      assert.ok(!checks.some((x) => x.check === "auc"));
      assert.equal(labels.queries.length, 1);
    });
  });

  describe("restart", () => {
    test("a new controller resumes at the recorded step and failed-check count once the old lease expires", async () => {
      await atFirstStep({ threshold: 3 });
      h.windows.reading = healthyReading({ errors: 20 });
      await tickAfter(INTERVAL);
      h.windows.reading = healthyReading();
      await tickAfter(INTERVAL);
      const before = await h.rollout();
      assert.deepEqual([before.stepIndex, before.failedChecks], [1, 1]);

      const windows = new FakeWindowSource(h.clock);
      const next = h.controller({ windows });
      // The first controller is alive and renews its lease: the new one waits.
      await next.tick();
      await tickAfter(INTERVAL / 2);
      await next.tick();
      assert.equal(windows.opened.length, 0);
      assert.equal((await h.rollout()).stepIndex, 1);

      // The first controller dies; its lease (5 s from its last renewal) runs out: at its end it still holds.
      const lease = await new SqlLeaseStore(h.db).holder(`rollout/${before.id}`);
      assert.ok(lease, "the rollout is leased");
      h.clock.advance(lease.until - h.clock.now());
      await next.tick();
      assert.equal(windows.opened.length, 0);
      h.clock.advance(1);
      await next.tick();
      assert.deepEqual(
        windows.opened.map((w) => w.variant),
        ["candidate"],
      );
      let r = await h.rollout();
      assert.deepEqual([r.phase, r.stepIndex, r.weight, r.failedChecks], ["progressing", 1, 50, 1]);

      windows.reading = healthyReading({ errors: 20 });
      await tickAfter(INTERVAL, next);
      r = await h.rollout();
      assert.deepEqual([r.stepIndex, r.failedChecks], [1, 2]);

      windows.reading = healthyReading();
      await tickAfter(INTERVAL, next);
      r = await h.rollout();
      assert.deepEqual([r.stepIndex, r.weight, r.failedChecks], [2, 100, 2]);
      assert.equal((await deployment()).candidateWeight, 100);
      assert.equal(h.windows.opened.length, 3, "the old controller's source is no longer used");
    });

    test("stop() releases the lease, so another controller takes over at once", async () => {
      await atFirstStep();
      await c.stop();
      const windows = new FakeWindowSource(h.clock);
      const next = h.controller({ windows });
      await next.tick();
      assert.equal(windows.opened.length, 1);
      await tickAfter(INTERVAL, next);
      assert.equal((await h.rollout()).stepIndex, 1);
    });

    test("a restarted controller does not count a second candidate-loaded failure within the same interval", {}, async () => {
      h.served.loaded = false;
      await h.start({ intervalMs: 30_000, threshold: 2 });
      await c.tick();
      await tickAfter(30_000);
      assert.equal((await h.rollout()).failedChecks, 1);
      await c.stop();
      const next = h.controller();
      await tickAfter(100, next);
      const r = await h.rollout();
      assert.deepEqual([r.phase, r.failedChecks], ["initializing", 1]);
    });

    test("a rollout of a deployment this process does not serve is left alone", async () => {
      await h.start();
      h.served.serving = false;
      await c.tick();
      await tickAfter(INTERVAL * 3);
      const r = await h.rollout();
      assert.deepEqual([r.phase, r.failedChecks, r.generation], ["initializing", 0, 1]);
      assert.equal(h.hooks.calls.length, 0);
    });
  });

  describe("changes made outside the rollout", () => {
    test("a removed candidate ends the rollout rolled back, saying so", async () => {
      await atFirstStep();
      await h.deployments.update(DEPLOYMENT, { candidate: null });
      await tickAfter(100);
      const r = await assertRolledBack(/^aborted: the deployment's candidate was changed to none outside the rollout$/);
      assert.equal(r.settled, true);
      assert.equal(h.notices.at(-1)?.kind, "aborted");
      assert.equal((await h.events("rollout_rolled_back")).length, 1);
    });

    test("a manual weight change is restored to the rollout's weight", async () => {
      await atFirstStep();
      const before = await h.rollout();
      await h.deployments.update(DEPLOYMENT, { candidateWeight: 80 });
      await tickAfter(100);
      assert.equal((await deployment()).candidateWeight, 10);
      const r = await h.rollout();
      assert.deepEqual([r.phase, r.weight, r.generation], ["progressing", 10, before.generation]);

      await h.deployments.update(DEPLOYMENT, { shadow: true });
      await tickAfter(100);
      const d = await deployment();
      assert.deepEqual([d.shadow, d.candidateWeight], [false, 10]);

      // The rollout carries on.
      await tickAfter(INTERVAL);
      assert.equal((await h.rollout()).stepIndex, 1);
    });

    test("a deleted deployment ends the rollout (when the controller still sees it)", async () => {
      await atFirstStep();
      await h.deployments.delete(DEPLOYMENT);
      await tickAfter(100);
      const r = await h.rollout();
      assert.equal(r.phase, "rolled_back");
      assert.equal(r.reason, "aborted: the deployment was deleted");
      assert.equal(r.settled, true);
      assert.equal(h.hooks.count("post-rollout"), 1);
    });

    test("a deleted deployment ends the rollout once its host stops serving it", {}, async () => {
      await atFirstStep();
      await h.deployments.delete(DEPLOYMENT);
      // What hostServedState reports after ServingHost.syncActive() drops the deleted deployment.
      h.served.serving = false;
      await tickAfter(100);
      assert.equal((await h.rollout()).phase, "rolled_back");
    });
  });

  describe("crash recovery", () => {
    test("a final rollout left unsettled a while is settled: candidate removed, post-rollout hooks, notice", async () => {
      const started = await h.start();
      const crashed = await h.store.update({
        ...started,
        phase: "rolled_back",
        weight: 0,
        reason: "aborted by request",
        finishedTime: h.clock.now(),
        updatedTime: h.clock.now(),
        settled: false,
      });
      assert.equal((await deployment()).candidate, CANDIDATE);

      // Recently changed: whoever ended it may still be settling it.
      await tickAfter(10_000);
      assert.equal((await h.rollout()).settled, false);
      assert.equal(h.hooks.count("post-rollout"), 0);

      await tickAfter(6_000);
      const r = await h.rollout();
      assert.equal(r.settled, true);
      assert.equal(r.generation, crashed.generation + 1);
      assert.equal(h.hooks.count("post-rollout"), 1);
      assert.equal((await deployment()).candidate, undefined);
      assert.equal(h.notices.at(-1)?.kind, "aborted");
      assert.equal(await champion(), "1");

      await tickAfter(INTERVAL);
      assert.equal(h.hooks.count("post-rollout"), 1);
      assert.deepEqual(await h.store.listOpen(), []);
    });

    test("a promotion abandoned half-way is finished", async () => {
      const started = await atFirstStep();
      await h.store.update({
        ...(await h.rollout()),
        phase: "promoting",
        weight: 100,
        promotion: {
          model: MODEL,
          version: "2",
          alias: "champion",
          previousVersion: "1",
          previousPrimary: started.primaryRef,
          time: h.clock.now(),
        },
        updatedTime: h.clock.now(),
      });
      await tickAfter(INTERVAL);
      assert.equal((await h.rollout()).phase, "promoting");

      await tickAfter(15_000);
      const r = await h.rollout();
      assert.equal(r.phase, "succeeded");
      assert.equal(r.reason, "promoted (finished after an interruption)");
      assert.equal(r.settled, true);
      assert.equal(await champion(), "2");
      assert.equal((await deployment()).candidate, undefined);
    });
  });
});
