/**
 * Found by bench/faults/traffic-mix.ts: with PostgreSQL stopped, requests whose token had left the
 * cache were answered 401 "The metadata database is unavailable" — a client would conclude its
 * token is wrong. A store that cannot answer is 503 with a request id; only refused credentials are 401.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { AuthService } from "../../auth/auth-service.js";
import type { AuthStore } from "../../auth/auth-store.js";
import { ensureFirstAdmin } from "../../auth/bootstrap.js";
import { authMigrations } from "../../auth/migrations.js";
import { SqlAuthStore } from "../../auth/sql/sql-auth-store.js";
import { resolveConfig } from "../../core/config.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { MwError } from "../../core/errors.js";
import { buildApp } from "../app.js";
import { openPlatform } from "../open-platform.js";

/** `store`, failing every call with 503 while `down.now` is true. */
function outageOf(store: AuthStore, down: { now: boolean }): AuthStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (down.now) throw new MwError("TEMPORARILY_UNAVAILABLE", "The metadata database is unavailable.");
        return value.apply(target, args);
      };
    },
  });
}

test("credentials the store cannot check are 503 with a request id, not 401; refused ones stay 401", async () => {
  const root = await mkdtemp(join(tmpdir(), "mw-auth-outage-"));
  const platform = await openPlatform(resolveConfig({ home: join(root, "home") }, {}, root));
  const db = openSqlite(":memory:");
  await migrate(db, authMigrations);
  const down = { now: false };
  // No caching: every request asks the store, as one does whose token this process has not seen lately.
  const service = new AuthService({
    store: outageOf(new SqlAuthStore(db), down),
    clock: Date,
    cacheMs: 0,
    staleGraceMs: 0,
  });
  const admin = await ensureFirstAdmin(service);
  const lines: string[] = [];
  const app = await buildApp({
    ...platform,
    auth: { mode: "on", service },
    version: "t",
    log: (l) => lines.push(l),
  });
  const search = (authorization: string) =>
    app.inject({
      url: "/api/2.0/mlflow/experiments/search?max_results=1",
      headers: { authorization, "x-request-id": "outage-1" },
    });
  try {
    assert.equal((await search(`Bearer ${admin?.token}`)).statusCode, 200);
    down.now = true;
    const during = await search(`Bearer ${admin?.token}`);
    assert.equal(during.statusCode, 503, during.body);
    assert.equal(during.headers["retry-after"], "1");
    assert.equal(during.json().error_code, "TEMPORARILY_UNAVAILABLE");
    assert.equal(during.json().request_id, "outage-1");
    assert.match(lines.join("\n"), /error 503 TEMPORARILY_UNAVAILABLE request outage-1 GET /);
    assert.equal((await app.inject({ url: "/health" })).statusCode, 200, "public routes answer without the store");
    down.now = false;
    assert.equal((await search("Bearer mwt_not-a-real-token")).statusCode, 401);
    assert.equal((await search(`Bearer ${admin?.token}`)).statusCode, 200);
  } finally {
    await app.close();
    await platform.close();
    await db.close();
    await rm(root, { recursive: true, force: true });
  }
});
