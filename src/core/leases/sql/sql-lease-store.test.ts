/** The job lease store, run on every backend: one owner at a time per job, renewals, expiry, release. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../db/database.js";
import { migrate } from "../../db/migrate.js";
import { testBackends } from "../../db/test-support/backends.js";
import { LeaseKeeper } from "../lease-keeper.js";
import { prefixedLeases } from "../lease-store.js";
import { leaseMigrations } from "../migrations.js";
import { SqlLeaseStore } from "./sql-lease-store.js";

for (const backend of testBackends()) {
  describe(`SqlLeaseStore (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let leases: SqlLeaseStore;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, leaseMigrations);
      leases = new SqlLeaseStore(db);
    });
    after(() => drop());

    test("the first owner holds the lease and renews it; another waits for it to expire or be released", async () => {
      assert.equal(await leases.claim("job/prod", "a", 1500, 1000), true);
      assert.equal(await leases.claim("job/prod", "b", 1600, 1100), false, "a's lease runs until 1500");
      assert.equal(await leases.claim("job/prod", "a", 2500, 1400), true, "a renews");
      assert.deepEqual(await leases.holder("job/prod"), { owner: "a", until: 2500 });
      assert.equal(await leases.claim("job/prod", "b", 2100, 1600), false, "renewed until 2500");
      assert.equal(await leases.claim("job/other", "b", 2100, 1600), true, "one lease per job");
      assert.equal(await leases.claim("job/prod", "b", 3600, 2600), true, "expired: b takes over");
      assert.equal(await leases.claim("job/prod", "a", 3700, 2700), false);
      await leases.release("job/prod", "a");
      assert.equal(await leases.claim("job/prod", "a", 3700, 2700), false, "a release by a non-holder changes nothing");
      await leases.release("job/prod", "b");
      assert.equal(await leases.holder("job/prod"), undefined);
      assert.equal(await leases.claim("job/prod", "a", 3800, 2800), true, "released: taken at once");
    });

    test("renew extends only the owner's own lease, even past its time, and never takes one back", async () => {
      assert.equal(await leases.claim("job/renew", "a", 1500, 1000), true);
      assert.equal(await leases.renew("job/renew", "a", 2500), true);
      assert.deepEqual(await leases.holder("job/renew"), { owner: "a", until: 2500 });
      assert.equal(await leases.renew("job/renew", "b", 9000), false, "not b's lease");
      assert.equal(await leases.renew("job/renew", "a", 4000), true, "past its time but not taken: still a's");
      assert.equal(await leases.claim("job/renew", "b", 6000, 4500), true, "expired: b takes over");
      assert.equal(await leases.renew("job/renew", "a", 7000), false, "a lost it");
      await leases.release("job/renew", "b");
      assert.equal(await leases.renew("job/renew", "a", 7000), false, "released: a renewal does not take it back");
      assert.equal(await leases.holder("job/renew"), undefined);
    });

    test("claims at once by different owners: exactly one wins", async () => {
      const wins = await Promise.all(["a", "b", "c", "d"].map((o) => leases.claim("race", o, 2000, 1000)));
      assert.equal(wins.filter(Boolean).length, 1);
    });

    test("prefixed leases of two kinds never collide", async () => {
      const rollouts = prefixedLeases(leases, "rollout/");
      const monitors = prefixedLeases(leases, "monitor/");
      assert.equal(await rollouts.claim("x", "a", 2000, 1000), true);
      assert.equal(await monitors.claim("x", "b", 2000, 1000), true);
      assert.equal((await leases.holder("rollout/x"))?.owner, "a");
      assert.equal((await monitors.holder("x"))?.owner, "b");
    });

    test("two keepers: one holds a job; the other takes it over one period after the holder stops renewing", async () => {
      let now = 10_000;
      const clock = { now: () => now };
      const a = new LeaseKeeper({ store: leases, clock, periodMs: 3000, owner: "replica-a" });
      const b = new LeaseKeeper({ store: leases, clock, periodMs: 3000, owner: "replica-b" });
      assert.equal(await a.hold("monitor/prod"), true);
      assert.equal(await b.hold("monitor/prod"), false);
      for (let i = 0; i < 5; i++) {
        now += 1500; // a keeps renewing: b never gets it
        assert.equal(await a.hold("monitor/prod"), true);
        assert.equal(await b.hold("monitor/prod"), false);
      }
      // a dies (no more renewals): b gets the job once the period has passed, not before.
      const diedAt = now;
      now = diedAt + 2999;
      assert.equal(await b.hold("monitor/prod"), false);
      now = diedAt + 3001;
      assert.equal(await b.hold("monitor/prod"), true);
      assert.equal(await a.hold("monitor/prod"), false, "a, back from a pause, finds it taken");
      assert.deepEqual(a.held(), []);
      await b.releaseAll();
      assert.equal(await a.hold("monitor/prod"), true, "released: taken at once");
    });

    test("whileHeld runs a job only under its lease", async () => {
      let now = 50_000;
      const clock = { now: () => now };
      const a = new LeaseKeeper({ store: leases, clock, periodMs: 3000, owner: "a" });
      const b = new LeaseKeeper({ store: leases, clock, periodMs: 3000, owner: "b" });
      assert.deepEqual(await a.whileHeld("materialization/view", async () => 42), { value: 42 });
      assert.equal(await b.whileHeld("materialization/view", async () => 43), undefined);
      now += 3001;
      assert.deepEqual(await b.whileHeld("materialization/view", async () => 44), { value: 44 });
    });
  });
}

describe("LeaseKeeper", () => {
  test("a store that cannot be reached holds nothing (and says why)", async () => {
    const warned: string[] = [];
    const failing = {
      claim: async () => {
        throw new Error("connection refused");
      },
      renew: async () => false,
      release: async () => {},
      holder: async () => undefined,
    };
    const k = new LeaseKeeper({ store: failing, clock: { now: () => 1 }, periodMs: 1000, warn: (m) => warned.push(m) });
    assert.equal(await k.hold("rollout/r1"), false);
    assert.equal(k.holds("rollout/r1"), false);
    assert.match(warned[0] ?? "", /rollout\/r1: connection refused/);
  });
});
