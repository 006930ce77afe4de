/** The auth store contract, run on every backend. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { testBackends } from "../../core/db/test-support/backends.js";
import { EVERYONE } from "../auth-store.js";
import { authMigrations } from "../migrations.js";
import { SqlAuthStore } from "./sql-auth-store.js";

for (const backend of testBackends()) {
  describe(`SqlAuthStore contract (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlAuthStore;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, authMigrations);
      store = new SqlAuthStore(db);
    });
    after(() => drop());

    test("users get increasing MLflow-style ids; names are unique", async () => {
      const a = await store.createUser({ username: "ann", passwordHash: "h1", isAdmin: true, now: 10 });
      const b = await store.createUser({ username: "bob", passwordHash: "h2", isAdmin: false, now: 20 });
      assert.equal(a.id, 1);
      assert.equal(b.id, 2);
      await assert.rejects(
        store.createUser({ username: "bob", passwordHash: "x", isAdmin: false, now: 30 }),
        (e: Error & { code?: string }) => e.code === "RESOURCE_ALREADY_EXISTS",
      );
      assert.deepEqual(await store.getUser("bob"), { ...b, passwordHash: "h2" });
      assert.equal((await store.getUserById(1))?.username, "ann");
      assert.equal(await store.countUsers(), 2);
      assert.deepEqual(
        (await store.listUsers()).map((u) => u.username),
        ["ann", "bob"],
      );
    });

    test("password and admin updates report whether the user exists", async () => {
      assert.equal(await store.updatePassword("bob", "h3"), true);
      assert.equal((await store.getUser("bob"))?.passwordHash, "h3");
      assert.equal(await store.updateAdmin("bob", true), true);
      assert.equal((await store.getUser("bob"))?.isAdmin, true);
      assert.equal(await store.updatePassword("nobody", "x"), false);
      assert.equal(await store.updateAdmin("nobody", true), false);
    });

    test("tokens are found by hash with their user; revoking is once", async () => {
      await store.createToken({
        id: "t1",
        userId: 2,
        name: "ci",
        tokenHash: "hash-1",
        createdTime: 5,
        expiresTime: 99,
      });
      await store.createToken({ id: "t2", userId: 1, name: "laptop", tokenHash: "hash-2", createdTime: 6 });
      const found = await store.findToken("hash-1");
      assert.equal(found?.user.username, "bob");
      assert.deepEqual(found?.token, { id: "t1", userId: 2, name: "ci", createdTime: 5, expiresTime: 99 });
      assert.equal(await store.findToken("nope"), undefined);
      assert.deepEqual(
        (await store.listTokens(2)).map((t) => t.id),
        ["t1"],
      );
      assert.equal((await store.listTokens()).length, 2);
      assert.equal(await store.revokeToken("t1", 50), true);
      assert.equal(await store.revokeToken("t1", 60), false);
      assert.equal((await store.findToken("hash-1"))?.token.revokedTime, 50);
    });

    test("grants are set, replaced, listed, renamed and dropped", async () => {
      await store.setGrant({ resourceType: "experiment", resourceId: "1", userId: 2, permission: "read" });
      await store.setGrant({ resourceType: "experiment", resourceId: "1", userId: 2, permission: "manage" });
      await store.setGrant({ resourceType: "registered_model", resourceId: "m", userId: 2, permission: "edit" });
      await store.setGrant({ resourceType: "deployment", resourceId: "d", userId: EVERYONE, permission: "read" });
      assert.equal((await store.getGrant("experiment", "1", 2))?.permission, "manage");
      assert.equal((await store.getGrant("deployment", "d", EVERYONE))?.permission, "read");
      assert.equal((await store.listGrants({ userId: 2 })).length, 2);
      await store.renameGrants("registered_model", "m", "m2");
      assert.equal(await store.getGrant("registered_model", "m", 2), undefined);
      assert.equal((await store.getGrant("registered_model", "m2", 2))?.permission, "edit");
      assert.equal(await store.deleteGrant("experiment", "1", 2), true);
      assert.equal(await store.deleteGrant("experiment", "1", 2), false);
      await store.deleteGrants("registered_model", "m2");
      assert.deepEqual(await store.listGrants({ resourceType: "registered_model" }), []);
    });

    test("deleting a user removes their tokens and grants", async () => {
      await store.setGrant({ resourceType: "dataset", resourceId: "x", userId: 2, permission: "edit" });
      assert.equal(await store.deleteUser("bob"), true);
      assert.equal(await store.deleteUser("bob"), false);
      assert.deepEqual(await store.listTokens(2), []);
      assert.deepEqual(await store.listGrants({ userId: 2 }), []);
      assert.equal((await store.getUser("ann"))?.id, 1);
    });
  });
}
