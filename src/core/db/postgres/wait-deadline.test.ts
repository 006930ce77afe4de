/**
 * Found by bench/faults/traffic-mix.ts: with `runs` locked and every pooled connection waiting on
 * it, a log-batch waited for a connection and then a full statement timeout on top, and clients
 * gave up first. A transaction's statements get what is left of the timeout after the wait for a
 * connection. Runs where PostgreSQL is (always in CI).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import pg from "pg";
import { MwError } from "../../errors.js";
import type { TestBackend } from "../test-support/backends.js";
import { testBackends } from "../test-support/backends.js";
import { openPostgres } from "./postgres-database.js";

const postgres = testBackends().find((b): b is TestBackend => b.name === "postgres");

test("the wait for a connection counts against a transaction's statement timeout", {
  skip: postgres ? false : "MODELWORKS_TEST_POSTGRES_URI is not set",
}, async () => {
  const created = await (postgres as TestBackend).create();
  await created.db.exec("CREATE TABLE t (x INTEGER)");
  const statementMs = 1000;
  // One connection, and a generous acquire wait: the second transaction waits for the first.
  const db = openPostgres(created.uri, { max: 1, acquireMs: 30_000, statementMs });
  const locker = new pg.Client({ connectionString: created.uri });
  await locker.connect();
  await locker.query("BEGIN");
  await locker.query("LOCK TABLE t IN ACCESS EXCLUSIVE MODE");
  try {
    const t0 = performance.now();
    const attempt = () =>
      db
        .transaction((tx) => tx.run("INSERT INTO t VALUES (1)"))
        .then(
          () => assert.fail("wrote while the table was locked"),
          (e) => {
            assert.ok(e instanceof MwError && e.code === "TEMPORARILY_UNAVAILABLE", String(e));
            return performance.now() - t0;
          },
        );
    const [first, second] = await Promise.all([attempt(), attempt()]);
    assert.ok(first >= statementMs * 0.9, `the first waited its statement timeout (${first.toFixed(0)} ms)`);
    // Before: the second waited for the connection (1 s) and then a full statement timeout (1 s).
    assert.ok(second < statementMs * 1.6, `the second gave up after ${second.toFixed(0)} ms`);
  } finally {
    await locker.query("ROLLBACK");
    await locker.end();
    await db.close();
    await created.drop();
  }
});
