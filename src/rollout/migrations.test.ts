/** The rollout schema's upgrades, on every backend: the old lease columns and table go, rollouts stay. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../core/db/database.js";
import { migrate } from "../core/db/migrate.js";
import { testBackends } from "../core/db/test-support/backends.js";
import { rolloutMigrations } from "./migrations.js";
import type { Rollout } from "./rollout.js";
import { DEFAULT_ANALYSIS_THRESHOLDS } from "./rollout-spec.js";
import { SqlRolloutStore } from "./sql/sql-rollout-store.js";

const ROLLOUT: Rollout = {
  id: "r0000001",
  deployment: "prod",
  spec: {
    candidate: "churn/2",
    steps: [10, 100],
    intervalMs: 30_000,
    threshold: 2,
    shadowFirst: false,
    thresholds: { ...DEFAULT_ANALYSIS_THRESHOLDS },
    webhooks: [],
  },
  phase: "progressing",
  stepIndex: 0,
  weight: 10,
  failedChecks: 0,
  analyses: 1,
  primaryRef: "churn@champion",
  createdTime: 1000,
  updatedTime: 2000,
  stepStartedTime: 1500,
  settled: false,
  generation: 3,
};

for (const backend of testBackends()) {
  describe(`rollout migrations (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;

    before(async () => {
      ({ db, drop } = await backend.create());
    });
    after(() => drop());

    test("rollout:3 drops the unused lease columns and alias_watch_leases; an active rollout is kept whole", async () => {
      await migrate(
        db,
        rolloutMigrations.filter((m) => m.version <= 2),
      );
      const store = new SqlRolloutStore(db);
      await store.create(ROLLOUT);
      await db.run("UPDATE rollouts SET lease_owner = 'old-replica', lease_until = 99 WHERE id = ?", [ROLLOUT.id]);
      await db.run(
        "INSERT INTO alias_watch_leases (deployment, owner, lease_until) VALUES ('prod', 'old-replica', 99)",
      );
      const before = await store.get(ROLLOUT.id);

      await migrate(db, rolloutMigrations);
      assert.deepEqual(await store.get(ROLLOUT.id), before);
      await assert.rejects(db.all("SELECT lease_owner FROM rollouts"));
      await assert.rejects(db.all("SELECT lease_until FROM rollouts"));
      await assert.rejects(db.all("SELECT * FROM alias_watch_leases"));
      // Still one active rollout per deployment after the rebuild of the table's columns.
      await assert.rejects(store.create({ ...ROLLOUT, id: "r0000002" }));
    });
  });
}
