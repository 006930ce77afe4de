/**
 * The registry contract suites run once per backend: SQLite in memory always, PostgreSQL when
 * MODELWORKS_TEST_POSTGRES_URI is set (in a database created for the run and dropped after it).
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe } from "node:test";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import type { ErrorCode } from "../../../core/errors.js";
import { isMwError } from "../../../core/errors.js";
import { trackingMigrations } from "../../../tracking/migrations.js";
import { registryMigrations } from "../../migrations.js";
import { SqlRegistryStore } from "../sql-registry-store.js";

/** A clock tests move by hand. */
export class TestClock {
  t = 1_700_000_000_000;
  now(): number {
    return this.t;
  }
  /** Move time forward. */
  tick(ms = 1000): number {
    this.t += ms;
    return this.t;
  }
}

/** What each contract test gets: a store over an empty registry, its database and clock. */
export interface Harness {
  store: SqlRegistryStore;
  db: Database;
  clock: TestClock;
}

const REGISTRY_TABLES = [
  "registered_models",
  "registered_model_tags",
  "model_versions",
  "model_version_tags",
  "registered_model_aliases",
];

/** Declare `suite` once per backend; `h()` gives the current test's harness. */
export function forEachBackend(title: string, suite: (h: () => Harness) => void): void {
  for (const backend of testBackends()) {
    describe(`${title} [${backend.name}]`, () => {
      let opened: { db: Database; drop(): Promise<void> } | undefined;
      let harness: Harness | undefined;
      before(async () => {
        opened = await backend.create();
        await migrate(opened.db, [...trackingMigrations, ...registryMigrations]);
      });
      after(async () => {
        await opened?.drop();
      });
      beforeEach(async () => {
        const db = opened!.db;
        for (const table of REGISTRY_TABLES) await db.run(`DELETE FROM ${table}`);
        const clock = new TestClock();
        harness = { db, clock, store: new SqlRegistryStore(db, { clock }) };
      });
      suite(() => harness!);
    });
  }
}

/** Assert that `p` rejects with an MwError of `code` whose message matches `message` when given. */
export async function rejectsWith(p: Promise<unknown>, code: ErrorCode, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isMwError(e), `expected an MwError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (typeof message === "string") assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}
