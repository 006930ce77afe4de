import assert from "node:assert/strict";
import { test } from "node:test";
import Fastify from "fastify";
import { AuthService } from "../../auth/auth-service.js";
import type { AuthStore } from "../../auth/auth-store.js";
import { authMigrations } from "../../auth/migrations.js";
import { SqlAuthStore } from "../../auth/sql/sql-auth-store.js";
import { newToken } from "../../auth/token.js";
import { currentActor } from "../../core/actor.js";
import { access } from "../../core/api/access.js";
import { systemClock } from "../../core/clock.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { MwError } from "../../core/errors.js";
import type { TrackingStore } from "../../tracking/tracking-store.js";
import { installErrorHandlers } from "../errors.js";
import { installAuthGate, requireDeclaredAccess } from "./auth-gate.js";
import { ResourceResolver } from "./resource-resolver.js";

test("a route that declares no access cannot be registered; declared ones are listed with their access", async () => {
  const app = Fastify();
  requireDeclaredAccess(app);
  app.get("/open", { config: { access: access.public } }, async () => "ok");
  app.post(
    "/change",
    { config: { access: access.on("deployment", "edit", "name"), routeName: "x" } },
    async () => "ok",
  );
  assert.throws(() => app.get("/forgot", async () => "oops"), /GET \/forgot declares no access/);
  await app.register(async (child) => {
    assert.throws(() => child.delete("/nested", async () => "oops"), /DELETE \/nested declares no access/);
  });
  await app.ready();
  assert.deepEqual(
    app.declaredRoutes.filter((r) => r.method !== "HEAD").map((r) => [r.method, r.url, r.access.kind, r.routeName]),
    [
      ["GET", "/open", "public", undefined],
      ["POST", "/change", "resource", "x"],
    ],
  );
  await app.close();
});

test("credentials the store cannot check now (database down) are a 503 with a request id, not a 401", async () => {
  const db = openSqlite(":memory:");
  await migrate(db, authMigrations);
  const real = new SqlAuthStore(db);
  const store: AuthStore = Object.assign(Object.create(real) as SqlAuthStore, {
    findToken: () => Promise.reject(new MwError("TEMPORARILY_UNAVAILABLE", "The metadata database is unavailable.")),
  });
  const app = Fastify();
  installErrorHandlers(app);
  const service = new AuthService({ store, clock: systemClock });
  installAuthGate(app, { mode: "on", service }, new ResourceResolver({ tracking: {} as TrackingStore }));
  app.get("/mine", { config: { access: access.user } }, async () => "ok");
  const down = await app.inject({ url: "/mine", headers: { authorization: `Bearer ${newToken().token}` } });
  assert.equal(down.statusCode, 503, down.body);
  assert.equal(down.headers["retry-after"], "1");
  assert.equal(down.json().request_id, down.headers["x-request-id"]);
  const wrong = await app.inject({ url: "/mine", headers: { authorization: "Digest x" } });
  assert.equal(wrong.statusCode, 401, "a credential that is wrong whatever the store says is still a 401");
  await app.close();
});

test("handlers run as their caller (events name them); scoring routes do not, so async hooks stay off for them", async () => {
  const db = openSqlite(":memory:");
  await migrate(db, authMigrations);
  const service = new AuthService({ store: new SqlAuthStore(db), clock: systemClock });
  const user = await service.createUser("alice", "a-long-password", true);
  const { token } = await service.issueToken(user.id, "t");
  const app = Fastify();
  installErrorHandlers(app);
  installAuthGate(app, { mode: "on", service }, new ResourceResolver({ tracking: {} as TrackingStore }));
  app.get("/mine", { config: { access: access.user } }, async () => ({ actor: currentActor() ?? null }));
  app.post("/score", { config: { access: access.predict } }, async () => ({ actor: currentActor() ?? null }));
  const headers = { authorization: `Bearer ${token}` };
  assert.deepEqual((await app.inject({ url: "/mine", headers })).json(), { actor: "alice" });
  const score = await app.inject({ method: "POST", url: "/score", headers });
  assert.equal(score.statusCode, 200, score.body);
  assert.deepEqual(score.json(), { actor: null });
  await app.close();
});
