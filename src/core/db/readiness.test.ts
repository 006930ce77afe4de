import assert from "node:assert/strict";
import { test } from "node:test";
import type { Database } from "./database.js";
import { migrate } from "./migrate.js";
import { databaseReadiness } from "./readiness.js";
import { openSqlite } from "./sqlite/sqlite-database.js";

const TWO = [
  { module: "m", version: 1, name: "one", statements: ["CREATE TABLE a (x INTEGER)"] },
  { module: "m", version: 2, name: "two", statements: ["CREATE TABLE b (x INTEGER)"] },
];

test("ready when the database answers with at least the migrations this code applies", async () => {
  const db = openSqlite(":memory:");
  try {
    assert.match((await databaseReadiness(db, { migrations: 2 })).detail, /unreachable: .*schema_migrations/);
    await migrate(db, TWO.slice(0, 1));
    assert.deepEqual(await databaseReadiness(db, { migrations: 2 }), {
      ok: false,
      detail: "reachable, but 1 of 2 migrations are applied",
    });
    await migrate(db, TWO);
    assert.deepEqual(await databaseReadiness(db, { migrations: 2 }), { ok: true, detail: "reachable" });
    assert.equal((await databaseReadiness(db, { migrations: 1 })).ok, true, "a newer schema is fine");
  } finally {
    await db.close();
  }
});

test("a database that does not answer within the timeout is not ready", async () => {
  const hanging = { get: () => new Promise(() => {}) } as unknown as Database;
  // The readiness timer does not hold the process open; this one keeps the test alive meanwhile.
  const keepAlive = setTimeout(() => {}, 10_000);
  try {
    assert.deepEqual(await databaseReadiness(hanging, { timeoutMs: 20 }), {
      ok: false,
      detail: "no answer within 20 ms",
    });
  } finally {
    clearTimeout(keepAlive);
  }
});
