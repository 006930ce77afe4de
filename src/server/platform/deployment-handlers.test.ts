/** The platform API's deployment routes through the real app: CRUD, events, the SDK, and bad input. */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../core/config.js";
import { createPlatformClient } from "../../sdk/platform-client.js";
import { registerLoadableVersions } from "../../serving/test-support/loadable-versions.js";
import { buildApp } from "../app.js";
import { AUTH_OFF } from "../auth/auth-gate.js";
import type { Platform } from "../open-platform.js";
import { openPlatform } from "../open-platform.js";

const V1 = "/api/modelworks/v1";

describe("platform API: deployments", () => {
  let root: string;
  let platform: Platform;
  let app: FastifyInstance;

  const send = async (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, body?: unknown, type?: string) => {
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const headers = payload === undefined ? {} : { "content-type": type ?? "application/json" };
    const res = await app.inject({ method, url: V1 + url, payload, headers });
    return { status: res.statusCode, body: res.json() };
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "mw-deploy-http-"));
    platform = await openPlatform(resolveConfig({ home: join(root, "home") }, {}, root));
    // Deployments and rollouts load the models they name: these versions load.
    await registerLoadableVersions(platform, "churn", 2);
    await platform.registry.setAlias({ name: "churn", alias: "champion", version: 1 });
    app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await platform.close();
    await rm(root, { recursive: true, force: true });
  });

  test("POST creates a deployment; GET lists it and shows it with its events", async () => {
    const created = await send("POST", "/deployments", {
      name: "prod",
      primary: "churn@champion",
      candidate: "churn/2",
      candidate_weight: 10,
      routing_key: "customerID",
      log_sampling: 0.5,
      description: "churn scoring",
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const d = created.body.deployment;
    assert.deepEqual(
      [d.name, d.primary, d.candidate, d.candidate_weight, d.shadow, d.log_sampling, d.status, d.generation],
      ["prod", "churn@champion", "churn/2", 10, false, 0.5, "active", 1],
    );
    assert.deepEqual(d.routing_key, { source: "column", name: "customerID" });
    assert.equal(typeof d.created_time, "number");
    const list = await send("GET", "/deployments");
    assert.deepEqual(
      list.body.deployments.map((x: { name: string }) => x.name),
      ["prod"],
    );
    assert.deepEqual((await send("GET", "/deployments?status=stopped")).body.deployments, []);
    const one = await send("GET", "/deployments/prod");
    assert.deepEqual(one.body.deployment, d);
    assert.deepEqual(
      one.body.events.map((e: { type: string }) => e.type),
      ["created"],
    );
  });

  test("PATCH changes fields, null removes, expected_generation guards; events list them", async () => {
    const res = await send("PATCH", "/deployments/prod", { candidate_weight: 25, routing_key: "header:X-Customer" });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.deployment.generation, 2);
    assert.deepEqual(res.body.deployment.routing_key, { source: "header", name: "x-customer" });
    const stale = await send("PATCH", "/deployments/prod", { status: "stopped", expected_generation: 1 });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error_code, "RESOURCE_CONFLICT");
    const removed = await send("PATCH", "/deployments/prod", {
      candidate: null,
      routing_key: null,
      description: null,
      status: "stopped",
      expected_generation: 2,
    });
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    const r = removed.body.deployment;
    assert.deepEqual(
      [r.candidate, r.candidate_weight, r.routing_key, r.description, r.status, r.generation],
      [undefined, 0, undefined, undefined, "stopped", 3],
    );
    const events = await send("GET", "/deployments/prod/events?limit=2");
    assert.equal(events.status, 200);
    assert.deepEqual(
      events.body.events.map((e: { type: string }) => e.type),
      ["updated", "updated"],
    );
    assert.deepEqual(events.body.events[0].data.candidate, { old: "churn/2", new: null });
    assert.deepEqual(events.body.events[1].data.candidate_weight, { old: 10, new: 25 });
    const object = await send("PATCH", "/deployments/prod", { routing_key: { source: "column", name: "id" } });
    assert.deepEqual(object.body.deployment.routing_key, { source: "column", name: "id" });
  });

  test("DELETE removes it; its events keep a deleted record", async () => {
    const res = await send("DELETE", "/deployments/prod");
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {});
    assert.equal((await send("GET", "/deployments/prod")).status, 404);
    assert.equal((await send("DELETE", "/deployments/prod")).status, 404);
    const events = await send("GET", "/deployments/prod/events");
    assert.equal(events.body.events[0].type, "deleted");
  });

  test("the SDK client drives every deployment route over HTTP", async () => {
    await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const api = createPlatformClient({ baseUrl: `http://127.0.0.1:${port}` });
    const { deployment } = await api.createDeployment({ name: "sdk", primary: "churn/1", routing_key: "header:X-Id" });
    assert.deepEqual(deployment.routing_key, { source: "header", name: "x-id" });
    const updated = await api.updateDeployment({ name: "sdk", candidate: "churn@champion", shadow: true });
    assert.equal(updated.deployment.shadow, true);
    const cleared = await api.updateDeployment({ name: "sdk", candidate: null });
    assert.equal(cleared.deployment.candidate, undefined);
    assert.equal(cleared.deployment.shadow, false);
    assert.equal((await api.listDeployments({ status: "active" })).deployments.length, 1);
    assert.equal((await api.getDeployment({ name: "sdk" })).events.length, 3);
    assert.equal((await api.listDeploymentEvents({ name: "sdk", limit: 1 })).events.length, 1);
    await assert.rejects(api.updateDeployment({ name: "sdk", candidate_weight: 500 }), {
      code: "INVALID_PARAMETER_VALUE",
      message: /'candidate_weight'/,
    });
    await api.deleteDeployment({ name: "sdk" });
    await assert.rejects(api.getDeployment({ name: "sdk" }), { code: "RESOURCE_DOES_NOT_EXIST" });
  });

  test("bad input is a 4xx naming the field; nothing is stored", async () => {
    await send("POST", "/deployments", { name: "keep", primary: "churn/1" });
    const cases: [string, "GET" | "POST" | "PATCH", string, unknown, RegExp, string?][] = [
      ["unknown model", "POST", "/deployments", { name: "x", primary: "nope@champion" }, /'primary'.*not in the/],
      ["unknown alias", "POST", "/deployments", { name: "x", primary: "churn@gone" }, /'primary'/],
      ["unknown version", "POST", "/deployments", { name: "x", primary: "churn/7" }, /'primary'/],
      ["bad reference", "POST", "/deployments", { name: "x", primary: "churn" }, /'primary'.*NAME@ALIAS/],
      ["missing name", "POST", "/deployments", { primary: "churn/1" }, /required parameter 'name'/],
      ["missing primary", "POST", "/deployments", { name: "x" }, /required parameter 'primary'/],
      ["empty body", "POST", "/deployments", "", /required parameter 'name'/],
      ["malformed JSON", "POST", "/deployments", '{"name":', /Malformed JSON/],
      ["not an object", "POST", "/deployments", "[1]", /expected a JSON object/],
      ["bad name", "POST", "/deployments", { name: "a/b", primary: "churn/1" }, /deployment name/],
      [
        "weight > 100",
        "POST",
        "/deployments",
        { name: "x", primary: "churn/1", candidate: "churn/2", candidate_weight: 101 },
        /'candidate_weight'/,
      ],
      [
        "weight NaN",
        "POST",
        "/deployments",
        { name: "x", primary: "churn/1", candidate: "churn/2", candidate_weight: "NaN" },
        /'candidate_weight'/,
      ],
      ["weight text", "PATCH", "/deployments/keep", { candidate_weight: "lots" }, /'candidate_weight'/],
      [
        "weight without candidate",
        "PATCH",
        "/deployments/keep",
        { candidate_weight: 5 },
        /'candidate_weight'.*candidate/,
      ],
      ["shadow without candidate", "PATCH", "/deployments/keep", { shadow: true }, /'shadow'/],
      ["candidate = primary", "PATCH", "/deployments/keep", { candidate: "churn/1" }, /'candidate'/],
      ["shadow not bool", "PATCH", "/deployments/keep", { shadow: "yes" }, /'shadow'/],
      ["sampling > 1", "PATCH", "/deployments/keep", { log_sampling: 2 }, /'log_sampling'/],
      ["bad status", "PATCH", "/deployments/keep", { status: "paused" }, /'status'/],
      ["bad routing key", "PATCH", "/deployments/keep", { routing_key: 42 }, /'routing_key'/],
      ["empty routing key", "PATCH", "/deployments/keep", { routing_key: "header:" }, /'routing_key'/],
      ["bad generation", "PATCH", "/deployments/keep", { expected_generation: "x" }, /'expected_generation'/],
      ["bad list status", "GET", "/deployments?status=gone", undefined, /'status'/],
      ["bad limit", "GET", "/deployments/keep/events?limit=0", undefined, /'limit'/],
    ];
    for (const [what, method, url, body, message, type] of cases) {
      const res = await send(method, url, body, type);
      assert.equal(res.status, 400, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error_code, "INVALID_PARAMETER_VALUE", what);
      assert.match(res.body.message, message, what);
    }
    // A body a web page could send cross-site without a preflight is refused before it is read.
    const text = await send("POST", "/deployments?name=x&primary=churn/1", "x", "text/plain");
    assert.equal(text.status, 415);
    assert.equal(text.body.error_code, "UNSUPPORTED_MEDIA_TYPE");
    assert.match(text.body.message, /application\/json/);
    assert.equal((await send("PATCH", "/deployments/nope", { log_sampling: 0.5 })).status, 404);
    assert.equal((await send("GET", "/deployments/nope/events")).status, 404);
    const dup = await send("POST", "/deployments", { name: "keep", primary: "churn/1" });
    assert.equal(dup.body.error_code, "RESOURCE_ALREADY_EXISTS");
    const keep = (await send("GET", "/deployments/keep")).body;
    assert.equal(keep.deployment.generation, 1);
    assert.equal(keep.events.length, 1);
    assert.deepEqual(
      (await send("GET", "/deployments")).body.deployments.map((d: { name: string }) => d.name),
      ["keep"],
    );
  });

  test("an app built without deployments answers 501 on their routes", async () => {
    const bare = await buildApp({ ...platform, auth: AUTH_OFF, deployments: undefined, version: "test" });
    try {
      const res = await bare.inject({ method: "GET", url: `${V1}/deployments` });
      assert.equal(res.statusCode, 501);
      assert.equal((await bare.inject({ method: "GET", url: `${V1}/datasets` })).statusCode, 200);
    } finally {
      await bare.close();
    }
  });
});
