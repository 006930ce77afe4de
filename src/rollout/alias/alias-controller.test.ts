/**
 * The alias watcher inside the rollout controller's tick: an alias move becomes a canary the
 * controller drives with the deployment's settings, to promotion or to a rollback that puts the
 * alias back (real stores, fake windows and clock).
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { RolloutController } from "../controller/rollout-controller.js";
import type { Harness } from "../test-support/controller-harness.js";
import { DEPLOYMENT, healthyReading, INTERVAL, MODEL, openHarness } from "../test-support/controller-harness.js";
import { AliasWatcher } from "./alias-watcher.js";

describe("alias moves through the rollout controller", () => {
  let h: Harness;
  let c: RolloutController;

  beforeEach(async () => {
    h = await openHarness();
    await h.deployments.update(DEPLOYMENT, { rollout: { steps: [50, 100], intervalMs: INTERVAL, threshold: 2 } });
    c = h.controller({
      aliasWatcher: (leases) =>
        new AliasWatcher({
          deployments: h.deployments,
          registry: h.registry,
          rollouts: h.service,
          leases,
          clock: h.clock,
          serves: (d) => h.served.serves(d),
        }),
    });
  });
  afterEach(() => h.close());

  const champion = async () => (await h.registry.getModelVersionByAlias({ name: MODEL, alias: "champion" })).version;
  const latest = async () => {
    const r = (await h.service.list(DEPLOYMENT, 1))[0];
    assert.ok(r, "a rollout was started");
    return r;
  };
  /** Tick until the latest rollout ends (each tick an interval later). */
  async function untilEnded(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      h.clock.advance(INTERVAL);
      await c.tick();
      if ((await latest()).settled) return;
    }
    assert.fail(`the rollout did not end: ${JSON.stringify(await latest())}`);
  }

  test("healthy windows: the moved alias's version is promoted and served as the primary", async () => {
    await h.registry.setAlias({ name: MODEL, alias: "champion", version: 2 });
    await c.tick();
    assert.equal((await latest()).spec.candidate, `${MODEL}/2`);
    await untilEnded();
    const r = await latest();
    assert.equal(r.phase, "succeeded", r.reason);
    assert.deepEqual(
      (await h.events("rollout_step")).map((e) => e.data?.weight),
      [50, 100],
      "the deployment's steps",
    );
    const d = await h.deployments.get(DEPLOYMENT);
    assert.equal(d.primaryVersion, "2");
    assert.equal(d.candidate, undefined);
    assert.equal(await champion(), "2");
  });

  test("failing windows: rolled back after the threshold, the primary kept and the alias moved back", async () => {
    await h.registry.setAlias({ name: MODEL, alias: "champion", version: 2 });
    h.windows.reading = healthyReading({ errors: 100 });
    await c.tick();
    await untilEnded();
    const r = await latest();
    assert.equal(r.phase, "rolled_back");
    assert.equal(r.failedChecks, 2);
    assert.match(r.reason ?? "", /error-rate/);
    assert.equal(await champion(), "1");
    const d = await h.deployments.get(DEPLOYMENT);
    assert.equal(d.primaryVersion, "1");
    assert.equal(d.candidate, undefined);
    const restored = (await h.deployments.events(DEPLOYMENT)).find((e) => e.type === "alias_restored");
    assert.match(restored?.message ?? "", /back from 2 to 1/);
    // The alias is where the served version is: later ticks start nothing.
    h.clock.advance(INTERVAL);
    await c.tick();
    assert.equal((await h.service.list(DEPLOYMENT)).length, 1);
  });
});
