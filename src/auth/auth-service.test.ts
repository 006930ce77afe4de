import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { migrate } from "../core/db/migrate.js";
import { openSqlite } from "../core/db/sqlite/sqlite-database.js";
import { MwError } from "../core/errors.js";
import { AuthService } from "./auth-service.js";
import type { AuthStore } from "./auth-store.js";
import { EVERYONE } from "./auth-store.js";
import { ensureFirstAdmin } from "./bootstrap.js";
import { authMigrations } from "./migrations.js";
import { SqlAuthStore } from "./sql/sql-auth-store.js";

function code(c: string) {
  return (e: Error & { code?: string }) => e.code === c;
}

async function service(now = { t: 1_000_000 }, defaultPermission?: "none" | "read") {
  const db = openSqlite(":memory:");
  await migrate(db, authMigrations);
  const auth = new AuthService({
    store: new SqlAuthStore(db),
    clock: { now: () => now.t },
    ...(defaultPermission ? { defaultPermission } : {}),
  });
  return { auth, now };
}

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;

describe("AuthService", () => {
  let auth: AuthService;
  let now: { t: number };
  before(async () => {
    ({ auth, now } = await service());
  });

  test("the first admin is created once, with a token that signs in", async () => {
    const first = await ensureFirstAdmin(auth);
    assert.ok(first);
    assert.equal(first.username, "admin");
    assert.equal(await ensureFirstAdmin(auth), undefined);
    const p = await auth.authenticate({ authorization: `Bearer ${first.token}` });
    assert.deepEqual([p?.username, p?.isAdmin, p?.via], ["admin", true, "token"]);
    const byPassword = await auth.authenticate({ authorization: basic("admin", first.password) });
    assert.equal(byPassword?.via, "basic");
  });

  test("no credentials is nobody; wrong ones are refused, whatever their shape", async () => {
    assert.equal(await auth.authenticate({}), undefined);
    await assert.rejects(auth.authenticate({ authorization: "Bearer mwt_nope" }), code("UNAUTHENTICATED"));
    await assert.rejects(auth.authenticate({ authorization: "Bearer " }), code("UNAUTHENTICATED"));
    await assert.rejects(auth.authenticate({ authorization: "Digest x" }), code("UNAUTHENTICATED"));
    await assert.rejects(auth.authenticate({ authorization: "Basic !!!" }), code("UNAUTHENTICATED"));
    await assert.rejects(
      auth.authenticate({ authorization: basic("admin", "wrong-password") }),
      code("UNAUTHENTICATED"),
    );
    await assert.rejects(auth.authenticate({ authorization: basic("ghost", "whatever1") }), code("UNAUTHENTICATED"));
  });

  test("users: names and passwords are checked; passwords are stored hashed", async () => {
    await assert.rejects(auth.createUser("bad name", "long-enough"), code("INVALID_PARAMETER_VALUE"));
    await assert.rejects(auth.createUser("carol", "short"), code("INVALID_PARAMETER_VALUE"));
    const carol = await auth.createUser("carol", "carol-password");
    assert.match(carol.passwordHash, /^scrypt\$/);
    assert.ok(!carol.passwordHash.includes("carol-password"));
    await assert.rejects(auth.createUser("carol", "another-one"), code("RESOURCE_ALREADY_EXISTS"));
  });

  test("tokens expire and are revoked; only the owner or an admin may revoke", async () => {
    const carol = await auth.getUser("carol");
    const dave = await auth.createUser("dave", "dave-password");
    const { token, record } = await auth.issueToken(carol.id, "ci", now.t + 60_000);
    const p = await auth.authenticate({ authorization: `Bearer ${token}` });
    assert.equal(p?.username, "carol");
    const asDave = { userId: dave.id, username: "dave", isAdmin: false, via: "token" as const };
    await assert.rejects(auth.revokeToken(record.id, asDave), code("RESOURCE_DOES_NOT_EXIST"));
    await auth.revokeToken(record.id, p as NonNullable<typeof p>);
    await assert.rejects(auth.authenticate({ authorization: `Bearer ${token}` }), code("UNAUTHENTICATED"));
    const later = await auth.issueToken(carol.id, "short", now.t + 1000);
    now.t += 2000;
    await assert.rejects(auth.authenticate({ authorization: `Bearer ${later.token}` }), code("UNAUTHENTICATED"));
  });

  test("permissions: admin manages all; a grant wins over the default; everyone's grant makes a resource public", async () => {
    const carol = await auth.getUser("carol");
    const asCarol = { userId: carol.id, username: "carol", isAdmin: false, via: "token" as const };
    const admin = { userId: 1, username: "admin", isAdmin: true, via: "token" as const };
    assert.equal(await auth.permissionOf(admin, "deployment", "churn"), "manage");
    assert.equal(await auth.permissionOf(asCarol, "deployment", "churn"), "read");
    assert.equal(await auth.permissionOf(undefined, "deployment", "churn"), "none");
    await auth.setGrant({ resourceType: "deployment", resourceId: "churn", userId: carol.id, permission: "none" });
    assert.equal(await auth.permissionOf(asCarol, "deployment", "churn"), "none");
    await auth.setGrant({ resourceType: "deployment", resourceId: "churn", userId: EVERYONE, permission: "read" });
    assert.equal(await auth.permissionOf(undefined, "deployment", "churn"), "read");
    assert.equal(auth.cachedPermissionOf(undefined, "deployment", "churn"), "read");
    assert.equal(auth.cachedPermissionOf(asCarol, "deployment", "other"), undefined, "unknown until asked");
  });

  test("sessions carry a CSRF value and end at sign-out", async () => {
    const s = await auth.signIn("carol", "carol-password");
    const p = await auth.authenticate({ session: s.session });
    assert.equal(p?.via, "session");
    assert.equal(auth.csrfMatches(s.session, s.csrf), true);
    assert.equal(auth.csrfMatches(s.session, `${s.csrf}x`), false);
    assert.equal(auth.csrfMatches(s.session, undefined), false);
    assert.deepEqual(
      (await auth.listTokens(p?.userId)).map((t) => t.name).sort(),
      ["ci", "short"],
      "sessions are not listed as tokens",
    );
    await auth.signOut(s.session);
    await assert.rejects(auth.authenticate({ session: s.session }), code("UNAUTHENTICATED"));
  });

  test("failed sign-ins are rate limited per user and per address", async () => {
    const { auth: fresh } = await service();
    await fresh.createUser("erin", "erin-password");
    for (let i = 0; i < 10; i++)
      await assert.rejects(fresh.authenticate({ authorization: basic("erin", `wrong-${i}`), address: "10.0.0.9" }));
    await assert.rejects(
      fresh.authenticate({ authorization: basic("erin", "erin-password"), address: "10.0.0.1" }),
      code("REQUEST_LIMIT_EXCEEDED"),
      "the user is locked out for a while, from any address",
    );
    // Token guesses from one address: 401 until the address's limit, then 429; a valid token still works.
    const { token } = await fresh.issueToken((await fresh.getUser("erin")).id, "ci");
    for (let i = 0; i < 39; i++)
      await assert.rejects(
        fresh.authenticate({ authorization: `Bearer mwt_guess${i}`, address: "10.0.0.9" }),
        code("UNAUTHENTICATED"),
      );
    await assert.rejects(
      fresh.authenticate({ authorization: "Bearer mwt_guess", address: "10.0.0.9" }),
      code("REQUEST_LIMIT_EXCEEDED"),
      "the address that also guessed passwords is over its limit",
    );
    const p = await fresh.authenticate({ authorization: `Bearer ${token}`, address: "10.0.0.9" });
    assert.equal(p?.username, "erin", "a valid token is never throttled");
  });

  test("while the store is unreachable, a token and grant seen lately keep working for staleGraceMs; others fail as unavailable, not as wrong", async () => {
    const db = openSqlite(":memory:");
    await migrate(db, authMigrations);
    const real = new SqlAuthStore(db);
    let down = false;
    const outage = () =>
      Promise.reject(new MwError("TEMPORARILY_UNAVAILABLE", "The metadata database is unavailable."));
    const store: AuthStore = Object.assign(Object.create(real) as SqlAuthStore, {
      findToken: (hash: string) => (down ? outage() : real.findToken(hash)),
      getGrant: (...a: Parameters<AuthStore["getGrant"]>) => (down ? outage() : real.getGrant(...a)),
      getUser: (name: string) => (down ? outage() : real.getUser(name)),
    });
    const clock = { t: 1_000_000 };
    const fresh = new AuthService({ store, clock: { now: () => clock.t }, staleGraceMs: 60_000 });
    const frank = await fresh.createUser("frank", "frank-password");
    await fresh.setGrant({ resourceType: "deployment", resourceId: "churn", userId: frank.id, permission: "edit" });
    const seen = await fresh.issueToken(frank.id, "serving");
    const unseen = await fresh.issueToken(frank.id, "other");
    const p = await fresh.authenticate({ authorization: `Bearer ${seen.token}` });
    assert.equal(await fresh.permissionOf(p, "deployment", "churn"), "edit");
    await fresh.authenticate({ authorization: basic("frank", "frank-password") });

    down = true;
    clock.t += 10_000; // past the 5 s cache period
    const during = await fresh.authenticate({ authorization: `Bearer ${seen.token}` });
    assert.equal(during?.username, "frank", "a token verified before the outage still works");
    assert.equal(await fresh.permissionOf(during, "deployment", "churn"), "edit");
    assert.equal((await fresh.authenticate({ authorization: basic("frank", "frank-password") }))?.via, "basic");
    await assert.rejects(
      fresh.authenticate({ authorization: basic("frank", "wrong-password") }),
      code("TEMPORARILY_UNAVAILABLE"),
    );
    await assert.rejects(
      fresh.authenticate({ authorization: `Bearer ${unseen.token}` }),
      code("TEMPORARILY_UNAVAILABLE"),
      "a token never verified cannot be checked now: unavailable, not wrong",
    );
    clock.t += 60_000;
    await assert.rejects(
      fresh.authenticate({ authorization: `Bearer ${seen.token}` }),
      code("TEMPORARILY_UNAVAILABLE"),
    );
    await assert.rejects(fresh.permissionOf(during, "deployment", "churn"), code("TEMPORARILY_UNAVAILABLE"));

    down = false;
    assert.equal((await fresh.authenticate({ authorization: `Bearer ${unseen.token}` }))?.username, "frank");
  });
});
