/** The alias watcher over real SQLite stores: alias moves become rollouts, rollbacks put the alias back. */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import { SqlLeaseStore } from "../../core/leases/sql/sql-lease-store.js";
import type { Rollout } from "../rollout.js";
import type { RolloutFixture } from "../test-support/rollout-fixture.js";
import { registerTwoVersions, rolloutFixture } from "../test-support/rollout-fixture.js";
import { AliasWatcher } from "./alias-watcher.js";

const NOTIFY = "https://notify.test/T/B/secret";
const LEASE_MS = 5000;

describe("AliasWatcher", () => {
  let f: RolloutFixture;

  beforeEach(async () => {
    f = await rolloutFixture();
    await registerTwoVersions(f.registry, "m", 3);
    await f.deployments.create({
      name: "prod",
      primary: "m@champion",
      rollout: { steps: [50, 100], intervalMs: 2000, notifyUrl: NOTIFY },
    });
  });
  afterEach(() => f.close());

  const watcher = (owner = "w1", serves: (d: string) => boolean = () => true) =>
    new AliasWatcher({
      deployments: f.deployments,
      registry: f.registry,
      rollouts: f.service,
      leases: new LeaseKeeper({
        store: new SqlLeaseStore(f.db),
        clock: { now: () => f.time },
        periodMs: LEASE_MS,
        owner,
      }),
      clock: { now: () => f.time },
      serves,
      movedBy: async (_model, _alias, version) => (version === "2" ? "alice" : undefined),
      warn: (m) => f.warnings.push(m),
    });
  /** Move the alias, a second later than the last change (rollouts are ordered by their start time). */
  const move = (version: number) => {
    f.time += 1000;
    return f.registry.setAlias({ name: "m", alias: "champion", version });
  };
  const alias = async (a = "champion") =>
    f.registry.getModelVersionByAlias({ name: "m", alias: a }).then(
      (v) => v.version,
      () => undefined,
    );
  const rollouts = () => f.service.list("prod");
  const latest = async (): Promise<Rollout> => (await rollouts())[0] as Rollout;
  const events = async (type: string) =>
    (await f.deployments.events("prod", { limit: 1000 })).filter((e) => e.type === type).reverse();

  test("an alias move starts a rollout of the new version with the deployment's settings; the primary stays pinned", async () => {
    const w = watcher();
    await w.tick();
    assert.equal((await rollouts()).length, 0, "nothing moved yet");
    await move(2);
    assert.equal((await f.deployments.get("prod")).primaryVersion, "1", "the move alone changes nothing served");
    await w.tick();
    const r = await latest();
    assert.equal(r.spec.candidate, "m/2");
    assert.deepEqual(r.spec.steps, [50, 100]);
    assert.equal(r.spec.intervalMs, 2000);
    assert.equal(r.spec.notifyUrl, NOTIFY);
    assert.deepEqual(r.aliasMove, { model: "m", alias: "champion", from: "1", to: "2", movedBy: "alice" });
    const d = await f.deployments.get("prod");
    assert.equal(d.primaryVersion, "1");
    assert.equal(d.candidate, "m/2");
    assert.equal(d.candidateWeight, 0);
    const [moved] = await events("alias_moved");
    assert.match(moved?.message ?? "", /m@champion moved from 1 to 2 by alice; rolling m\/2 out as a canary/);
    assert.deepEqual(
      f.notices.map((n) => n.kind),
      ["started"],
    );
    await w.tick();
    assert.equal((await rollouts()).length, 1, "a second tick starts nothing more");
  });

  test("promotion pins the new version and keeps the alias; 'rollout rollback' moves both back", async () => {
    const w = watcher();
    await move(2);
    await w.tick();
    const promoted = await f.service.promote("prod");
    assert.equal(promoted.phase, "succeeded");
    assert.equal(promoted.promotion?.previousVersion, "1");
    let d = await f.deployments.get("prod");
    assert.equal(d.primaryVersion, "2");
    assert.equal(d.candidate, undefined);
    assert.equal(await alias(), "2");
    assert.equal(await alias("previous"), "1");
    await w.tick();
    assert.equal((await rollouts()).length, 1, "the promoted version is the one served: nothing to roll out");

    await f.service.rollback("prod");
    d = await f.deployments.get("prod");
    assert.equal(d.primaryVersion, "1");
    assert.equal(await alias(), "1");
    assert.equal(await alias("previous"), undefined);
    await w.tick();
    assert.equal((await rollouts()).length, 1);
  });

  test("a rolled-back alias rollout moves the alias back, recorded with who and why (events and audit log)", async () => {
    const w = watcher();
    await move(2);
    await w.tick();
    const r = await latest();
    // As the controller ends it when the analysis fails `threshold` times.
    await f.service.actions.finish(r, "rolled_back", "analysis failed 2 of 2 allowed times; last: score-psi: 0.9");
    assert.equal(await alias(), "1");
    const d = await f.deployments.get("prod");
    assert.equal(d.primaryVersion, "1");
    assert.equal(d.candidate, undefined);
    const [restored] = await events("alias_restored");
    assert.match(restored?.message ?? "", /Moved m@champion back from 2 to 1: the rollout of m\/2 was rolled back/);
    assert.equal(restored?.data?.restored_by, "rollout-controller");
    assert.equal(restored?.data?.moved_by, "alice");
    assert.match(String(restored?.data?.reason), /score-psi/);
    const [audited] = await f.audit.list({ targetType: "registered_model", target: "m" });
    assert.equal(audited?.action, "restoreRegisteredModelAlias");
    assert.equal(audited?.actor, "rollout-controller");
    assert.deepEqual(audited?.after, { alias: "champion", version: "1" });
    await w.tick();
    assert.equal((await rollouts()).length, 1, "the alias is back on the served version: nothing starts");
  });

  test("a manual abort of an alias rollout also puts the alias back", async () => {
    const w = watcher();
    await move(2);
    await w.tick();
    await f.service.abort("prod");
    assert.equal(await alias(), "1");
    await w.tick();
    assert.equal((await rollouts()).length, 1);
  });

  test("the alias moving again aborts the rollout (alias left alone) and rolls the newest out", async () => {
    const w = watcher();
    await move(2);
    await w.tick();
    const first = await latest();
    await move(3);
    await w.tick();
    const [second, ended] = await rollouts();
    assert.equal(second?.spec.candidate, "m/3");
    assert.deepEqual(second?.aliasMove, { model: "m", alias: "champion", from: "1", to: "3" });
    assert.equal(ended?.id, first.id);
    assert.equal(ended?.phase, "rolled_back");
    assert.match(ended?.reason ?? "", /m@champion moved again, to 3; rolling 3 out instead/);
    assert.equal(await alias(), "3", "the newer move is kept");
    assert.equal((await f.deployments.get("prod")).candidate, "m/3");
  });

  test("the alias moving back to the served version aborts the rollout and starts nothing", async () => {
    const w = watcher();
    await move(2);
    await w.tick();
    await move(1);
    await w.tick();
    const all = await rollouts();
    assert.equal(all.length, 1);
    assert.equal(all[0]?.phase, "rolled_back");
    assert.match(all[0]?.reason ?? "", /moved back to 1, the version served/);
    assert.equal(await alias(), "1");
    assert.equal((await f.deployments.get("prod")).candidate, undefined);
  });

  test("nothing happens for a move to the served version, a swap deployment, a stopped one or one served elsewhere", async () => {
    await move(1);
    await watcher().tick();
    assert.equal((await rollouts()).length, 0);
    await f.deployments.update("prod", { onAliasChange: "swap" });
    await move(2);
    await watcher().tick();
    assert.equal((await rollouts()).length, 0, "swap: the runtime follows the alias itself");
    assert.equal((await f.deployments.get("prod")).primaryVersion, undefined);
    await f.deployments.update("prod", { onAliasChange: "rollout" });
    assert.equal((await f.deployments.get("prod")).primaryVersion, "2", "back to rollout: pinned to the alias now");
    await move(3);
    await watcher("w1", () => false).tick();
    assert.equal((await rollouts()).length, 0, "served by another process: its watcher acts");
    await f.deployments.update("prod", { status: "stopped" });
    await watcher().tick();
    assert.equal((await rollouts()).length, 0);
  });

  test("a deployment without a pin (made before pinning) is pinned to what its alias names", async () => {
    await f.db.run("UPDATE deployments SET primary_version = NULL WHERE name = 'prod'");
    await watcher().tick();
    assert.equal((await f.deployments.get("prod")).primaryVersion, "1");
    assert.equal((await rollouts()).length, 0);
  });

  test("a rollout that cannot start is reported once, and tried again when the deployment changes", async () => {
    // Settings stored before the admin narrowed the outbound policy: the notify URL is refused now.
    await f.db.run("UPDATE deployments SET rollout_json = ? WHERE name = 'prod'", [
      JSON.stringify({ notifyUrl: "https://elsewhere.example/hook/secret-token" }),
    ]);
    const w = watcher();
    await move(2);
    await w.tick();
    await w.tick();
    const failed = await events("alias_rollout_failed");
    assert.equal(failed.length, 1);
    assert.match(
      failed[0]?.message ?? "",
      /Could not roll out m\/2 for m@champion: .*notify_url.*; still serving m\/1/,
    );
    assert.doesNotMatch(JSON.stringify(failed), /secret-token/);
    assert.equal((await rollouts()).length, 0);
    await f.deployments.update("prod", { rollout: null });
    await w.tick();
    assert.equal((await latest()).spec.candidate, "m/2");
  });

  test("two watchers on one database: one holds the lease and acts; the other takes over once it is released", async () => {
    const a = watcher("a");
    const b = watcher("b");
    await a.tick();
    await b.tick();
    await move(2);
    await b.tick();
    assert.equal((await rollouts()).length, 0, "b holds no lease");
    await a.tick();
    assert.equal((await rollouts()).length, 1);
    await f.service.promote("prod");
    await a.stop();
    await move(3);
    await b.tick();
    assert.equal((await latest()).spec.candidate, "m/3", "b took the released lease");
    // An expired lease is taken over too.
    f.time += LEASE_MS + 1;
    await f.service.promote("prod");
    await move(1);
    await a.tick();
    assert.equal((await latest()).spec.candidate, "m/1");
  });

  test("a rollout started by hand on a pinned deployment moves the pin when promoted; the watcher leaves it alone", async () => {
    const w = watcher();
    await f.service.start("prod", { candidate: "m/3" });
    await w.tick();
    assert.equal((await rollouts()).length, 1);
    await f.service.promote("prod");
    assert.equal((await f.deployments.get("prod")).primaryVersion, "3");
    assert.equal(await alias(), "3");
    await w.tick();
    assert.equal((await rollouts()).length, 1);
  });
});
