/** RolloutService over real SQLite stores: validation, start, status, promote, abort and rollback. */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { MwError } from "../core/errors.js";
import { invalidParam } from "../core/errors.js";
import { RolloutService } from "./rollout-service.js";
import type { RolloutSpecInput } from "./rollout-spec.js";
import type { RolloutFixture } from "./test-support/rollout-fixture.js";
import { registerTwoVersions, rolloutFixture } from "./test-support/rollout-fixture.js";

const NOTIFY = "https://notify.test/T/B/secret";
const POST_HOOK = { name: "post", type: "post-rollout" as const, url: "http://hooks.test/post", timeoutMs: 1000 };

/** `{ code, message ~ field }` for assert.rejects. */
function invalid(field: string) {
  return (e: MwError) => {
    assert.equal(e.code, "INVALID_PARAMETER_VALUE", e.message);
    assert.ok(e.message.includes(`'${field}`), `message should name '${field}': ${e.message}`);
    return true;
  };
}

describe("RolloutService", () => {
  let f: RolloutFixture;

  beforeEach(async () => {
    f = await rolloutFixture();
    await registerTwoVersions(f.registry, "m");
    await f.registry.setAlias({ name: "m", alias: "challenger", version: 2 });
    await f.deployments.create({ name: "prod", primary: "m@champion" });
  });
  afterEach(() => f.close());

  const start = (input: Partial<RolloutSpecInput> = {}, deployment = "prod") =>
    f.service.start(deployment, { candidate: "m/2", notifyUrl: NOTIFY, webhooks: [POST_HOOK], ...input });

  /** The alias's version, or undefined when it is not set. */
  const alias = (a: string) =>
    f.registry.getModelVersionByAlias({ name: "m", alias: a }).then(
      (v) => v.version,
      () => undefined,
    );

  describe("start validates before changing anything", () => {
    test("an unknown deployment is RESOURCE_DOES_NOT_EXIST", async () => {
      await assert.rejects(start({}, "nope"), { code: "RESOURCE_DOES_NOT_EXIST", message: /nope/ });
    });

    test("a stopped deployment is INVALID_STATE", async () => {
      await f.deployments.update("prod", { status: "stopped" });
      await assert.rejects(start(), { code: "INVALID_STATE", message: /'prod' is stopped/ });
    });

    test("a deployment that already has a candidate is INVALID_STATE", async () => {
      await f.deployments.update("prod", { candidate: "m/2", candidateWeight: 10 });
      await assert.rejects(start(), { code: "INVALID_STATE", message: /already has a candidate \(m\/2\)/ });
      assert.equal((await f.deployments.get("prod")).candidateWeight, 10, "the deployment is untouched");
    });

    test("a candidate that cannot load is refused with why, before anything is recorded", async () => {
      const loads: string[] = [];
      const service = new RolloutService({
        ...f.deps,
        checkLoad: async (ref) => {
          loads.push(ref);
          if (ref === "m/2") throw invalidParam("model m/2 has flavors h2o; none of them can be loaded");
          return "binary" as const;
        },
      });
      await assert.rejects(service.start("prod", { candidate: "m@challenger" }), {
        code: "INVALID_PARAMETER_VALUE",
        message:
          "Invalid value for 'candidate': m/2 cannot be loaded: model m/2 has flavors h2o; none of them can be loaded",
      });
      assert.deepEqual(loads, ["m/2"], "the version the alias names is loaded");
      assert.deepEqual(await f.store.list("prod"), [], "no rollout recorded");
      assert.equal((await f.deployments.get("prod")).candidate, undefined, "the deployment is untouched");
    });

    test("a candidate not in the registry, or the primary itself, is refused naming 'candidate'", async () => {
      await assert.rejects(start({ candidate: "m/9" }), invalid("candidate"));
      await assert.rejects(start({ candidate: "m@nope" }), invalid("candidate"));
      await assert.rejects(start({ candidate: "other/1" }), invalid("candidate"));
      await assert.rejects(start({ candidate: "" }), invalid("candidate"));
      await assert.rejects(start({ candidate: "m/1" }), (e: MwError) => {
        invalid("candidate")(e);
        assert.match(e.message, /m\/1 is already the primary of 'prod'/);
        return true;
      });
      // The primary's alias resolves to the same version.
      await assert.rejects(start({ candidate: "m@champion" }), invalid("candidate"));
    });

    test("bad steps, interval, threshold, thresholds and URLs are INVALID_PARAMETER_VALUE naming the field", async () => {
      const cases: [Partial<RolloutSpecInput>, string][] = [
        [{ steps: [] }, "steps"],
        [{ steps: [50, 25] }, "steps"],
        [{ steps: [0, 100] }, "steps"],
        [{ steps: [5, 150] }, "steps"],
        [{ steps: [5, 5, 100] }, "steps"],
        [{ intervalMs: 50 }, "interval_ms"],
        [{ intervalMs: Number.NaN }, "interval_ms"],
        [{ threshold: 0 }, "threshold"],
        [{ threshold: 1.5 }, "threshold"],
        [{ thresholds: { latencyRatio: 0.5 } }, "thresholds.latency_ratio"],
        [{ webhooks: [{ ...POST_HOOK, url: "ftp://hooks.test/x" }] }, "webhooks[0].url"],
        [{ webhooks: [POST_HOOK, { ...POST_HOOK, url: "not a url" }] }, "webhooks[1].url"],
        [{ webhooks: [{ ...POST_HOOK, type: "sometimes" as "rollout" }] }, "webhooks[0].type"],
        [{ notifyUrl: "mailto:ops@example.com" }, "notify_url"],
        [{ prometheus: { url: "prom:9090" } }, "prometheus.url"],
      ];
      for (const [input, field] of cases) {
        await assert.rejects(start(input), invalid(field), JSON.stringify(input));
      }
      await assert.rejects(start({ thresholds: { bogus: 1 } as never }), {
        code: "INVALID_PARAMETER_VALUE",
        message: /Unknown threshold 'bogus'/,
      });
      // Nothing was recorded or changed.
      assert.deepEqual(await f.service.list("prod"), []);
      const d = await f.deployments.get("prod");
      assert.equal(d.candidate, undefined);
      assert.equal(d.generation, 1);
      assert.deepEqual(f.notices, []);
    });
  });

  test("start: defaults, candidate at weight 0, a rollout_started event and a started notice", async () => {
    const r = await start();
    assert.equal(r.deployment, "prod");
    assert.equal(r.phase, "initializing");
    assert.equal(r.stepIndex, -1);
    assert.equal(r.weight, 0);
    assert.equal(r.primaryRef, "m@champion");
    assert.equal(r.settled, false);
    assert.equal(r.generation, 1);
    assert.equal(r.createdTime, f.time);
    assert.deepEqual(r.spec.steps, [5, 25, 50, 100]);
    assert.equal(r.spec.intervalMs, 30_000);
    assert.equal(r.spec.threshold, 2);
    assert.equal(r.spec.shadowFirst, false);
    assert.deepEqual(r.spec.webhooks, [POST_HOOK]);
    assert.match(r.id, /^[0-9a-f]{16}$/);
    assert.deepEqual(await f.store.get(r.id), r);

    const d = await f.deployments.get("prod");
    assert.deepEqual([d.primary, d.candidate, d.candidateWeight, d.shadow], ["m@champion", "m/2", 0, false]);

    const { rollout, events } = await f.service.status("prod");
    assert.deepEqual(rollout, r);
    assert.deepEqual(
      events.map((e) => e.type),
      ["rollout_started"],
    );
    assert.equal(events[0]?.data?.rollout_id, r.id);
    assert.equal(events[0]?.data?.candidate, "m/2");
    assert.match(events[0]?.message ?? "", /Started rollout of m\/2 on prod \(steps 5, 25, 50, 100 %/);

    assert.deepEqual(
      f.notices.map((n) => [n.kind, n.url, n.rolloutId, n.candidate, n.primary]),
      [["started", NOTIFY, r.id, "m/2", "m@champion"]],
    );
    assert.deepEqual(f.hookCalls, [], "start calls no hooks (the controller runs pre-rollout hooks)");
  });

  test("start with an alias candidate pins its version; shadowFirst keeps weight 0 until the controller moves on", async () => {
    const r = await start({ candidate: "m@challenger", shadowFirst: true, steps: [10, 100], intervalMs: 1000 });
    assert.equal(r.spec.candidate, "m/2");
    assert.equal(r.spec.shadowFirst, true);
    assert.deepEqual(r.spec.steps, [10, 100]);
    assert.equal(r.spec.intervalMs, 1000);
    // Moving the alias later does not change what is rolled out.
    await f.registry.setAlias({ name: "m", alias: "challenger", version: 1 });
    assert.equal((await f.store.get(r.id)).spec.candidate, "m/2");
    const d = await f.deployments.get("prod");
    // The rollout starts in `initializing`; the controller switches to shadow once the candidate is loaded.
    assert.deepEqual([d.candidate, d.candidateWeight, d.shadow], ["m/2", 0, false]);
  });

  test("a second start while one is active is refused and changes nothing", async () => {
    const first = await start();
    const d = await f.deployments.get("prod");
    // One active rollout per deployment, whatever the deployment carries.
    await assert.rejects(start(), (e: MwError) => {
      assert.equal(e.code, "RESOURCE_ALREADY_EXISTS");
      assert.match(e.message, new RegExp(`already has an active rollout \\(${first.id}`));
      return true;
    });
    assert.deepEqual(
      (await f.service.list("prod")).map((r) => r.id),
      [first.id],
    );
    assert.equal((await f.deployments.get("prod")).generation, d.generation, "the deployment is unchanged");
  });

  test("two starts at once: exactly one wins", async () => {
    const results = await Promise.allSettled([start(), start({ candidate: "m@challenger" })]);
    const won = results.filter((x) => x.status === "fulfilled");
    const lost = results.filter((x): x is PromiseRejectedResult => x.status === "rejected");
    assert.equal(won.length, 1);
    assert.equal(lost.length, 1);
    assert.ok(["RESOURCE_ALREADY_EXISTS", "INVALID_STATE"].includes(lost[0]?.reason.code), String(lost[0]?.reason));
    assert.equal((await f.service.list("prod")).length, 1);
  });

  test("when the candidate cannot be deployed, start fails and the rollout is recorded as rolled back", async () => {
    const update = f.deployments.update.bind(f.deployments);
    f.deployments.update = async () => {
      throw new Error("deployment store unavailable");
    };
    try {
      await assert.rejects(start(), /deployment store unavailable/);
    } finally {
      f.deployments.update = update;
    }
    const [r] = await f.service.list("prod");
    assert.ok(r);
    assert.equal(r.phase, "rolled_back");
    assert.equal(r.settled, true);
    assert.equal(r.reason, "could not deploy the candidate: deployment store unavailable");
    assert.equal((await f.deployments.get("prod")).candidate, undefined);
    // It does not block the next attempt.
    assert.equal((await start()).phase, "initializing");
  });

  test("status: the latest rollout with only its own events; 404 without rollouts", async () => {
    await assert.rejects(f.service.status("prod"), { code: "RESOURCE_DOES_NOT_EXIST", message: /no rollouts/ });
    await assert.rejects(f.service.status("nope"), { code: "RESOURCE_DOES_NOT_EXIST" });
    const first = await start();
    f.time += 1000;
    await f.service.abort("prod");
    f.time += 1000;
    const second = await start();
    const { rollout, events } = await f.service.status("prod");
    assert.equal(rollout.id, second.id);
    assert.deepEqual(
      events.map((e) => [e.type, e.data?.rollout_id]),
      [["rollout_started", second.id]],
    );
    const all = await f.deployments.events("prod");
    assert.ok(all.some((e) => e.data?.rollout_id === first.id));
    assert.ok(all.some((e) => e.type === "updated"));
    assert.deepEqual(
      (await f.service.list("prod")).map((r) => r.id),
      [second.id, first.id],
    );
    assert.deepEqual(
      (await f.service.list("prod", 1)).map((r) => r.id),
      [second.id],
    );
  });

  test("promote: champion moves to the candidate, previous to the former, candidate removed, settled", async () => {
    const r = await start();
    f.time += 5000;
    const p = await f.service.promote("prod");
    assert.equal(p.id, r.id);
    assert.equal(p.phase, "succeeded");
    assert.equal(p.settled, true);
    assert.equal(p.weight, 100);
    assert.equal(p.finishedTime, f.time);
    assert.match(p.reason ?? "", /^promoted by request/);
    assert.deepEqual(p.promotion, {
      model: "m",
      version: "2",
      alias: "champion",
      previousVersion: "1",
      previousPrimary: "m@champion",
      time: f.time,
    });
    assert.deepEqual(await f.store.get(r.id), p);

    assert.equal(await alias("champion"), "2");
    assert.equal(await alias("previous"), "1");
    const d = await f.deployments.get("prod");
    assert.deepEqual([d.primary, d.candidate, d.candidateWeight, d.shadow], ["m@champion", undefined, 0, false]);

    assert.deepEqual(
      f.hookCalls.map((c) => [c.spec.name, c.context.rollout_id, c.context.phase]),
      [["post", r.id, "succeeded"]],
    );
    assert.deepEqual(
      f.notices.map((n) => n.kind),
      ["started", "promoted"],
    );
    const { events } = await f.service.status("prod");
    assert.deepEqual(
      events.map((e) => e.type),
      ["rollout_promoted", "rollout_step", "rollout_started"],
    );
    assert.equal(events[1]?.data?.manual, true);
    assert.deepEqual(await f.service.list("prod"), [p]);

    // Nothing is active any more.
    await assert.rejects(f.service.promote("prod"), { code: "INVALID_STATE", message: /Nothing to promote/ });
    await assert.rejects(f.service.abort("prod"), { code: "INVALID_STATE", message: /Nothing to abort/ });
  });

  test("rollback after a promotion: champion back, previous removed, rolled_back", async () => {
    await start();
    f.time += 1000;
    const promoted = await f.service.promote("prod");
    f.time += 1000;
    const back = await f.service.rollback("prod");
    assert.equal(back.id, promoted.id);
    assert.equal(back.phase, "rolled_back");
    assert.equal(back.settled, true);
    assert.equal(back.finishedTime, promoted.finishedTime, "the end time stays the promotion's");
    assert.match(back.reason ?? "", /^rolled back after promotion: champion back to m\/1/);
    assert.equal(await alias("champion"), "1");
    assert.equal(await alias("previous"), undefined);
    const d = await f.deployments.get("prod");
    assert.deepEqual([d.primary, d.candidate], ["m@champion", undefined]);
    assert.deepEqual(
      f.notices.map((n) => n.kind),
      ["started", "promoted", "rolled_back"],
    );
    assert.equal(f.hookCalls.length, 2, "post-rollout hooks after the promotion and after the rollback");
    const { events } = await f.service.status("prod");
    assert.equal(events[0]?.type, "rollout_rolled_back");
    // Only a promotion can be rolled back, once.
    await assert.rejects(f.service.rollback("prod"), { code: "INVALID_STATE", message: /ended rolled_back/ });
    // A new rollout may start after it.
    assert.equal((await start()).phase, "initializing");
  });

  test("abort: candidate removed, weight 0, an aborted notice", async () => {
    const r = await start({ steps: [20, 100] });
    // Pretend the controller reached the first step.
    await f.store.update({ ...r, phase: "progressing", stepIndex: 0, weight: 20 });
    await f.deployments.update("prod", { candidateWeight: 20 });
    f.time += 2000;
    const a = await f.service.abort("prod");
    assert.equal(a.phase, "rolled_back");
    assert.equal(a.weight, 0);
    assert.equal(a.settled, true);
    assert.equal(a.finishedTime, f.time);
    assert.ok(a.reason?.startsWith("aborted"), a.reason);
    assert.equal(a.promotion, undefined);
    const d = await f.deployments.get("prod");
    assert.deepEqual([d.primary, d.candidate, d.candidateWeight, d.shadow], ["m@champion", undefined, 0, false]);
    assert.equal(await alias("champion"), "1", "the registry is untouched");
    assert.equal(await alias("previous"), undefined);
    assert.deepEqual(
      f.notices.map((n) => n.kind),
      ["started", "aborted"],
    );
    assert.equal(f.notices[1]?.weight, 0);
    assert.deepEqual(
      f.hookCalls.map((c) => c.spec.type),
      ["post-rollout"],
    );
    assert.deepEqual(
      (await f.service.status("prod")).events.map((e) => e.type),
      ["rollout_rolled_back", "rollout_started"],
    );
    await assert.rejects(f.service.abort("prod"), { code: "INVALID_STATE" });
    await assert.rejects(f.service.promote("prod"), { code: "INVALID_STATE" });
  });

  test("rollback of an active rollout aborts it", async () => {
    await start();
    const r = await f.service.rollback("prod");
    assert.equal(r.phase, "rolled_back");
    assert.match(r.reason ?? "", /^aborted by rollback request/);
    assert.equal((await f.deployments.get("prod")).candidate, undefined);
    assert.equal(f.notices.at(-1)?.kind, "aborted");
  });

  test("promote, abort and rollback without any rollout are RESOURCE_DOES_NOT_EXIST", async () => {
    for (const verb of ["promote", "abort", "rollback"] as const) {
      await assert.rejects(f.service[verb]("prod"), { code: "RESOURCE_DOES_NOT_EXIST", message: /no rollouts/ });
    }
  });

  test("a pinned primary (m/1) becomes m/2 on promotion and m/1 again on rollback", async () => {
    await f.deployments.create({ name: "pinned", primary: "m/1" });
    const r = await start({}, "pinned");
    assert.equal(r.primaryRef, "m/1");
    const p = await f.service.promote("pinned");
    assert.equal(p.phase, "succeeded");
    assert.equal(p.promotion?.previousPrimary, "m/1");
    let d = await f.deployments.get("pinned");
    assert.deepEqual([d.primary, d.candidate], ["m/2", undefined]);
    assert.equal(await alias("champion"), "2");
    assert.equal(await alias("previous"), "1");
    const back = await f.service.rollback("pinned");
    assert.equal(back.phase, "rolled_back");
    d = await f.deployments.get("pinned");
    assert.deepEqual([d.primary, d.candidate], ["m/1", undefined]);
    assert.equal(await alias("champion"), "1");
    assert.equal(await alias("previous"), undefined);
    // The other deployment was never touched.
    assert.equal((await f.deployments.get("prod")).generation, 1);
  });
});
