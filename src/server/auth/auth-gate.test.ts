import assert from "node:assert/strict";
import { test } from "node:test";
import Fastify from "fastify";
import { access } from "../../core/api/access.js";
import { requireDeclaredAccess } from "./auth-gate.js";

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
