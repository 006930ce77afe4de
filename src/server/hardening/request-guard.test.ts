/** The node-level guard on listening servers: Host check, cross-origin rules, load shedding. */
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../core/config.js";
import type { DirectHandler } from "../../serving/direct-invocations.js";
import { buildApp } from "../app.js";
import { AUTH_OFF } from "../auth/auth-gate.js";
import type { Platform } from "../open-platform.js";
import { openPlatform } from "../open-platform.js";
import type { HttpHardening } from "./request-guard.js";
import { hardenedServerFactory, isInferencePath } from "./request-guard.js";
import { openRequest, rawRequest } from "./test-support/raw-request.js";

let home: string;
let platform: Platform;
const apps: FastifyInstance[] = [];

/** Stands for the direct `/invocations` path of a serving process: it answers without the app. */
const direct: DirectHandler = (req, res) => {
  if (req.method !== "POST" || req.url !== "/invocations") return false;
  res.writeHead(200, { "content-type": "application/json" });
  res.end('{"direct":true}');
  return true;
};

/** The platform app on a free port, hardened as `o` says, with the stand-in direct path. */
async function listening(o: HttpHardening): Promise<{ app: FastifyInstance; port: number }> {
  const app = await buildApp({
    ...platform,
    auth: AUTH_OFF,
    version: "test",
    serverFactory: hardenedServerFactory(o, direct),
  });
  apps.push(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  return { app, port: (app.server.address() as AddressInfo).port };
}

before(async () => {
  home = mkdtempSync(join(tmpdir(), "mw-guard-"));
  platform = await openPlatform(resolveConfig({ home }, {}, home));
});
after(async () => {
  for (const app of apps) await app.close();
  await platform.close();
  rmSync(home, { recursive: true, force: true });
});

describe("Host check", () => {
  let port: number;
  before(async () => {
    ({ port } = await listening({ allowedHosts: ["models.example.com"] }));
  });

  test("a Host that is not allowed gets 403 naming the host and the flag, on the app and the direct path", async () => {
    for (const [method, path] of [
      ["GET", "/api/2.0/mlflow/experiments/search?max_results=1"],
      ["POST", "/invocations"],
      ["GET", "/version"],
    ] as const) {
      const r = await rawRequest(port, { method, path, headers: { host: "rebound.evil.example:5000" } });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.json?.error_code, "PERMISSION_DENIED");
      assert.match(String(r.json?.message), /'rebound\.evil\.example:5000'.*--allowed-hosts rebound\.evil\.example/);
    }
  });

  test("loopback names, private addresses and configured hosts pass, whatever the port and case", async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, "[::1]", "10.0.0.7:5000", "Models.Example.COM"]) {
      const r = await rawRequest(port, { path: "/version", headers: { host } });
      assert.equal(r.status, 200, host);
      assert.equal(r.text, "test");
      const d = await rawRequest(port, { method: "POST", path: "/invocations", headers: { host } });
      assert.deepEqual(d.json, { direct: true }, host);
    }
  });

  test("health probes answer whatever the Host (Kubernetes sends the pod IP, balancers their name)", async () => {
    const r = await rawRequest(port, { path: "/health", headers: { host: "lb.elsewhere.example" } });
    assert.equal(r.status, 200);
    assert.equal(r.text, "OK");
    for (const path of ["/ping", "/health/ready", "/v2/health/ready"]) {
      const p = await rawRequest(port, { path, headers: { host: "lb.elsewhere.example" } });
      assert.notEqual(p.status, 403, path);
    }
  });

  test("a request without a Host header is refused", async () => {
    const r = await rawRequest(port, { path: "/version", noHost: true });
    assert.ok(r.status === 400 || r.status === 403, String(r.status));
  });

  test("`*` turns the check off", async () => {
    const any = await listening({ allowedHosts: ["*"] });
    const r = await rawRequest(any.port, { path: "/version", headers: { host: "anything.example" } });
    assert.equal(r.status, 200);
  });
});

describe("cross-origin requests", () => {
  let port: number;
  let closed: number;
  before(async () => {
    ({ port } = await listening({ corsOrigins: ["https://app.example.com"] }));
    ({ port: closed } = await listening({}));
  });
  const preflight = (p: number, origin: string) =>
    rawRequest(p, {
      method: "OPTIONS",
      path: "/api/2.0/mlflow/experiments/create",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization",
      },
    });

  test("no answer carries Access-Control-Allow-Origin unless the origin is configured", async () => {
    for (const p of [port, closed]) {
      const r = await rawRequest(p, {
        path: "/api/2.0/mlflow/experiments/search",
        headers: { origin: "https://evil.example" },
      });
      assert.equal(r.status, 200);
      assert.equal(r.headers["access-control-allow-origin"], undefined);
    }
    const none = await rawRequest(closed, { path: "/version", headers: { origin: "https://app.example.com" } });
    assert.equal(none.headers["access-control-allow-origin"], undefined);
    const allowed = await rawRequest(port, { path: "/version", headers: { origin: "https://app.example.com" } });
    assert.equal(allowed.headers["access-control-allow-origin"], "https://app.example.com");
    assert.match(String(allowed.headers.vary), /Origin/);
  });

  test("preflights are answered for configured origins only", async () => {
    const ok = await preflight(port, "https://app.example.com");
    assert.equal(ok.status, 204);
    assert.equal(ok.headers["access-control-allow-origin"], "https://app.example.com");
    assert.match(String(ok.headers["access-control-allow-methods"]), /POST/);
    assert.equal(ok.headers["access-control-allow-headers"], "content-type, authorization");
    for (const [p, origin] of [
      [port, "https://evil.example"],
      [port, "https://app.example.com.evil.example"],
      [closed, "https://app.example.com"],
    ] as const) {
      const r = await preflight(p, origin);
      assert.equal(r.status, 403, origin);
      assert.equal(r.headers["access-control-allow-origin"], undefined);
      assert.match(String(r.json?.message), /--cors-origins/);
    }
  });

  test("state-changing requests from other sites are refused, same-origin and configured ones pass", async () => {
    const create = (p: number, origin: string | undefined, name: string, type = "application/json") =>
      rawRequest(p, {
        method: "POST",
        path: "/api/2.0/mlflow/experiments/create",
        headers: { "content-type": type, ...(origin ? { origin } : {}) },
        body: JSON.stringify({ name }),
      });
    for (const origin of ["https://evil.example", "null", `http://localhost:${port + 1}`]) {
      const r = await create(port, origin, `csrf-${origin}`, "text/plain");
      assert.equal(r.status, 403, origin);
      assert.equal(r.json?.error_code, "PERMISSION_DENIED");
      assert.equal(await platform.tracking.getExperimentByName(`csrf-${origin}`), undefined);
    }
    const csv = await rawRequest(port, {
      method: "POST",
      path: "/invocations",
      headers: { origin: "https://evil.example", "content-type": "text/csv" },
      body: "a,b\n1,2\n",
    });
    assert.equal(csv.status, 403, "text/csv scoring from another site");
    assert.equal((await create(port, `http://127.0.0.1:${port}`, "same-origin")).status, 200);
    assert.equal((await create(port, undefined, "no-origin")).status, 200, "API clients send no Origin");
    const cross = await create(port, "https://app.example.com", "configured");
    assert.equal(cross.status, 200);
    assert.equal(cross.headers["access-control-allow-origin"], "https://app.example.com");
  });
});

describe("load shedding", () => {
  test("past the limit new requests get 503 + Retry-After; probes and predictions still answer; aborts free their slot", async () => {
    const { app, port } = await listening({ maxConcurrentRequests: 2 });
    const seen = new Map<string, ServerResponse>();
    app.server.on("request", (req: IncomingMessage, res: ServerResponse) => seen.set(req.url ?? "", res));
    const serverSide = (name: string) => seen.get(`/api/2.0/mlflow-artifacts/artifacts/0/slow/artifacts/${name}`);
    const upload = (name: string) =>
      openRequest(port, {
        method: "PUT",
        path: `/api/2.0/mlflow-artifacts/artifacts/0/slow/artifacts/${name}`,
        headers: { "content-type": "application/octet-stream", "content-length": 20 },
      });
    const a = upload("a.bin");
    const b = upload("b.bin");
    a.req.write("0123456789");
    b.req.write("0123456789");
    // Both uploads are in flight once the server has seen them (our listener runs after the guard's).
    while (!serverSide("a.bin") || !serverSide("b.bin")) await once(app.server, "request");

    const shed = await rawRequest(port, {
      path: "/api/2.0/mlflow/experiments/search",
      headers: { "x-request-id": "shed-1" },
    });
    assert.equal(shed.status, 503);
    assert.equal(shed.headers["retry-after"], "1");
    assert.equal(shed.headers["x-request-id"], "shed-1");
    assert.equal(shed.json?.request_id, "shed-1");
    assert.equal(shed.json?.error_code, "TEMPORARILY_UNAVAILABLE");
    assert.match(String(shed.json?.message), /--max-concurrent-requests/);
    const health = await rawRequest(port, { path: "/health" });
    assert.equal(health.status, 200);
    // Predictions have their own bound: requests held up elsewhere (on a locked database) leave them room.
    const predicted = await rawRequest(port, { method: "POST", path: "/invocations", body: "{}" });
    assert.equal(predicted.status, 200);
    assert.equal(predicted.json?.direct, true);
    for (const path of ["/metrics", "/ping"]) assert.notEqual((await rawRequest(port, { path })).status, 503, path);

    // A client that goes away frees its slot.
    const closing = once(serverSide("a.bin") as ServerResponse, "close");
    a.req.destroy();
    await closing;
    const after = await rawRequest(port, { path: "/api/2.0/mlflow/experiments/search" });
    assert.equal(after.status, 200);

    // A finished upload frees its slot too: two more fit.
    const finished = once(serverSide("b.bin") as ServerResponse, "close");
    b.req.end("0123456789");
    assert.equal((await b.answer).status, 200);
    await finished;
    const both = await Promise.all([
      rawRequest(port, { path: "/version" }),
      rawRequest(port, { path: "/api/2.0/mlflow/experiments/search" }),
    ]);
    assert.deepEqual(
      both.map((r) => r.status),
      [200, 200],
    );
  });
});

test("inference paths are the scoring routes of both protocols, nothing else", () => {
  for (const path of [
    "/invocations",
    "/deployments/churn/invocations",
    "/v2/models/churn/infer",
    "/v2/models/churn/versions/2/infer",
  ])
    assert.ok(isInferencePath(path), path);
  for (const path of [
    "/api/2.0/mlflow/runs/log-batch",
    "/deployments/churn",
    "/v2/models/churn",
    "/feedback",
    "/metrics",
  ])
    assert.ok(!isInferencePath(path), path);
});
