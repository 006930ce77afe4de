/** The pipeline lease contract, run on every backend. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { testBackends } from "../../core/db/test-support/backends.js";
import { pipelineMigrations } from "../migrations.js";
import { SqlRunLocks } from "./sql-run-locks.js";

for (const backend of testBackends()) {
  describe(`SqlRunLocks contract (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let locks: SqlRunLocks;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, pipelineMigrations);
      locks = new SqlRunLocks(db);
    });
    after(() => drop());

    test("one holder at a time; the other sees who holds it", async () => {
      const a = await locks.acquire("p", "A", "run-a", 1000, 30_000);
      assert.equal(a.held, true);
      assert.equal(a.expiredRunId, undefined);
      const b = await locks.acquire("p", "B", undefined, 2000, 30_000);
      assert.equal(b.held, false);
      assert.equal(b.lock.holder, "A");
      assert.equal(b.lock.runId, "run-a");
      assert.equal(b.lock.expiresAt, 31_000);
      assert.equal((await locks.acquire("other", "B", undefined, 2000, 30_000)).held, true, "names are independent");
    });

    test("renewing extends the lease and records the run; a stranger cannot renew or release it", async () => {
      assert.equal(await locks.renew("p", "A", undefined, 20_000, 30_000), true);
      assert.equal((await locks.get("p"))?.expiresAt, 50_000);
      assert.equal((await locks.get("p"))?.runId, "run-a", "an undefined run id keeps the recorded one");
      assert.equal(await locks.renew("p", "B", "x", 20_000, 30_000), false);
      await locks.release("p", "B");
      assert.equal((await locks.get("p"))?.holder, "A");
    });

    test("an expired lease is taken over and its run reported; the old holder has lost it", async () => {
      const b = await locks.acquire("p", "B", "run-b", 50_001, 30_000);
      assert.equal(b.held, true);
      assert.equal(b.expiredRunId, "run-a");
      assert.equal(await locks.renew("p", "A", undefined, 50_002, 30_000), false);
      await locks.release("p", "A");
      assert.equal((await locks.get("p"))?.holder, "B", "a lost holder's release leaves the new lease alone");
      await locks.release("p", "B");
      assert.equal(await locks.get("p"), undefined);
      assert.equal((await locks.acquire("p", "A", undefined, 60_000, 30_000)).held, true);
    });
  });
}
