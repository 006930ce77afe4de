/** The alias watch leases, run on every backend: one owner at a time per deployment, renewals, expiry, release. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { testBackends } from "../../core/db/test-support/backends.js";
import { rolloutMigrations } from "../migrations.js";
import { SqlAliasWatchLeases } from "./sql-alias-watch-leases.js";

for (const backend of testBackends()) {
  describe(`SqlAliasWatchLeases (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let leases: SqlAliasWatchLeases;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, rolloutMigrations);
      leases = new SqlAliasWatchLeases(db);
    });
    after(() => drop());

    test("the first owner holds the lease and renews it; another waits for it to expire or be released", async () => {
      assert.equal(await leases.claim("prod", "a", 1500, 1000), true);
      assert.equal(await leases.claim("prod", "b", 1600, 1100), false, "a's lease runs until 1500");
      assert.equal(await leases.claim("prod", "a", 2500, 1400), true, "a renews");
      assert.equal(await leases.claim("prod", "b", 2100, 1600), false, "renewed until 2500");
      assert.equal(await leases.claim("other", "b", 2100, 1600), true, "one lease per deployment");
      assert.equal(await leases.claim("prod", "b", 3600, 2600), true, "expired: b takes over");
      assert.equal(await leases.claim("prod", "a", 3700, 2700), false);
      await leases.release("prod", "a");
      assert.equal(await leases.claim("prod", "a", 3700, 2700), false, "a release by a non-holder changes nothing");
      await leases.release("prod", "b");
      assert.equal(await leases.claim("prod", "a", 3800, 2800), true, "released: taken at once");
    });

    test("claims at once by different owners: exactly one wins", async () => {
      const wins = await Promise.all(["a", "b", "c", "d"].map((o) => leases.claim("race", o, 2000, 1000)));
      assert.equal(wins.filter(Boolean).length, 1);
    });
  });
}
