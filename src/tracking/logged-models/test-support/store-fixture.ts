/** A migrated SQL tracking store per test backend (SQLite always, PostgreSQL when configured). */
import assert from "node:assert/strict";
import type { Clock } from "../../../core/clock.js";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import type { TestBackend } from "../../../core/db/test-support/backends.js";
import { MwError } from "../../../core/errors.js";
import { trackingMigrations } from "../../migrations.js";
import { SqlTrackingStore } from "../../sql/sql-tracking-store.js";

export interface StoreFixture {
  db: Database;
  store: SqlTrackingStore;
  drop(): Promise<void>;
}

/** A fresh store on `backend` whose clock ticks 1 ms per reading. */
export async function openStore(backend: TestBackend, start = 1_700_000_000_000): Promise<StoreFixture> {
  const { db, drop } = await backend.create();
  await migrate(db, trackingMigrations);
  let time = start;
  const clock: Clock = { now: () => ++time };
  const store = new SqlTrackingStore(db, { defaultArtifactRoot: "mlflow-artifacts:", clock });
  await store.init();
  return { db, store, drop };
}

/** Assert that `p` rejects with an MwError of `code` (and a message matching `message`). */
export async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof MwError, `not an MwError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}
