/** The app-level protections through the real app: security headers on every answer, JSON-only state changes. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance, InjectOptions } from "fastify";
import { resolveConfig } from "../../core/config.js";
import { buildApp } from "../app.js";
import { AUTH_OFF } from "../auth/auth-gate.js";
import type { Platform } from "../open-platform.js";
import { openPlatform } from "../open-platform.js";

const V1 = "/api/modelworks/v1";
let home: string;
let platform: Platform;
let app: FastifyInstance;

before(async () => {
  home = mkdtempSync(join(tmpdir(), "mw-app-hardening-"));
  const web = join(home, "web");
  mkdirSync(join(web, "assets"), { recursive: true });
  writeFileSync(join(web, "index.html"), "<!doctype html><title>Modelworks</title>");
  writeFileSync(join(web, "assets", "app.js"), "console.log(1)");
  platform = await openPlatform(resolveConfig({ home }, {}, home));
  app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test", webRoot: web });
});
after(async () => {
  await app.close();
  await platform.close();
  rmSync(home, { recursive: true, force: true });
});

test("every answer forbids framing and sniffing and sends no Referer: UI, API, errors, 404s", async () => {
  const requests: InjectOptions[] = [
    { url: "/" },
    { url: "/assets/app.js" },
    { url: "/health" },
    { url: "/api/2.0/mlflow/experiments/search" },
    { url: "/api/2.0/mlflow/experiments/get?experiment_id=999" },
    { url: "/no/such/route" },
    { url: `${V1}/datasets` },
    { method: "POST", url: `${V1}/deployments`, payload: "x", headers: { "content-type": "text/plain" } },
  ];
  for (const r of requests) {
    const res = await app.inject(r);
    const what = `${r.method ?? "GET"} ${r.url} → ${res.statusCode}`;
    assert.equal(res.headers["x-frame-options"], "DENY", what);
    assert.match(String(res.headers["content-security-policy"]), /frame-ancestors 'none'/, what);
    assert.equal(res.headers["x-content-type-options"], "nosniff", what);
    assert.equal(res.headers["referrer-policy"], "no-referrer", what);
  }
  const ui = await app.inject({ url: "/" });
  const csp = String(ui.headers["content-security-policy"]);
  assert.match(csp, /default-src 'self'/, "the UI keeps its own policy");
  assert.equal(csp.match(/frame-ancestors/g)?.length, 1);
});

test("platform API state changes take JSON only: simple types and untyped bodies get 415", async () => {
  const body = JSON.stringify({ name: "d1", model: "m@champion" });
  const refused: [string, string, string | undefined][] = [
    ["POST", "/deployments", "text/plain"],
    ["POST", "/deployments", "text/plain; charset=utf-8"],
    ["POST", "/deployments", "application/x-www-form-urlencoded"],
    ["POST", "/deployments", "multipart/form-data; boundary=----x"],
    ["POST", "/deployments", undefined],
    ["PATCH", "/deployments/d1", "text/plain"],
    ["DELETE", "/deployments/d1", "text/plain"],
    ["POST", "/deployments/d1/rollout/promote", "application/x-www-form-urlencoded"],
  ];
  for (const [method, url, type] of refused) {
    const res = await app.inject({
      method: method as "POST",
      url: V1 + url,
      payload: body,
      headers: type ? { "content-type": type } : {},
    });
    assert.equal(res.statusCode, 415, `${method} ${url} [${type}]: ${res.body}`);
    assert.equal(res.json().error_code, "UNSUPPORTED_MEDIA_TYPE");
    assert.match(res.json().message, new RegExp(`${method} /api/modelworks/v1.*application/json`));
  }
  assert.equal(await platform.deployments.list().then((l) => l.length), 0, "nothing was created");
  const json = await app.inject({
    method: "POST",
    url: `${V1}/deployments`,
    payload: body,
    headers: { "content-type": "application/json" },
  });
  assert.notEqual(json.statusCode, 415, json.body);
  // A state change without a body has nothing to refuse (the route answers for itself).
  const bare = await app.inject({ method: "POST", url: `${V1}/deployments/nope/rollout/promote` });
  assert.notEqual(bare.statusCode, 415, bare.body);
});

test("dataset uploads keep their raw bytes but not the types a web page can send cross-site", async () => {
  const csv = "a,b\n1,2\n3,4\n";
  for (const url of ["/datasets?name=up", "/datasets/up/versions/1/validate"]) {
    for (const type of [
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      undefined,
    ]) {
      const res = await app.inject({
        method: "POST",
        url: V1 + url,
        payload: csv,
        headers: type ? { "content-type": type } : {},
      });
      assert.equal(res.statusCode, 415, `${url} [${type}]: ${res.body}`);
      assert.equal(res.json().error_code, "UNSUPPORTED_MEDIA_TYPE");
    }
  }
  const created = await app.inject({
    method: "POST",
    url: `${V1}/datasets?name=up`,
    payload: csv,
    headers: { "content-type": "text/csv" },
  });
  assert.equal(created.statusCode, 200, created.body);
  const validated = await app.inject({
    method: "POST",
    url: `${V1}/datasets/up/versions/1/validate`,
    payload: csv,
    headers: { "content-type": "application/octet-stream" },
  });
  assert.equal(validated.statusCode, 200, validated.body);
});

test("MLflow routes already refuse non-JSON bodies (400, MLflow's rule)", async () => {
  const res = await app.inject({
    method: "POST",
    url: "/api/2.0/mlflow/experiments/create",
    payload: JSON.stringify({ name: "plain" }),
    headers: { "content-type": "text/plain" },
  });
  assert.equal(res.statusCode, 400);
  assert.equal(await platform.tracking.getExperimentByName("plain"), undefined);
});
