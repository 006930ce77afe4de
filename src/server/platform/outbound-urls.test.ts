/**
 * Outbound URLs through the real app: the API refuses webhook, Prometheus and notify URLs the
 * admin's allow-list does not cover (400 naming the field), answers with redacted URLs, and a
 * failing call leaves no credential in the rollout, its events, its notification or the logs.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { OutboundPolicy } from "../../auth/outbound-policy.js";
import { systemClock } from "../../core/clock.js";
import { resolveConfig } from "../../core/config.js";
import { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import type { CaptureServer } from "../../core/test-support/capture-server.js";
import { captureServer } from "../../core/test-support/capture-server.js";
import { RolloutController } from "../../rollout/controller/rollout-controller.js";
import { registerLoadableVersions } from "../../serving/test-support/loadable-versions.js";
import { buildApp } from "../app.js";
import { AUTH_OFF } from "../auth/auth-gate.js";
import type { Platform } from "../open-platform.js";
import { openPlatform } from "../open-platform.js";

const V1 = "/api/modelworks/v1";
const HOOK_PASSWORD = "hook-pw-5f2a";
const HOOK_TOKEN = "tok-9c41e7";
const SLACK_SECRET = "slacksecret0f3b";
const MONITOR_TOKEN = "mon-7d2e";
const SECRETS = [HOOK_PASSWORD, HOOK_TOKEN, SLACK_SECRET, MONITOR_TOKEN];

describe("platform API: outbound URLs", () => {
  let root: string;
  let platform: Platform;
  let app: FastifyInstance;
  let hooks: CaptureServer;
  let notices: CaptureServer;
  const logs: string[] = [];

  const send = async (method: "GET" | "POST" | "PUT", url: string, body?: unknown) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { "content-type": "application/json" };
    const res = await app.inject({ method, url: V1 + url, payload, headers });
    return { status: res.statusCode, text: res.body, body: res.json() };
  };
  const assertNoSecret = (what: string, text: string) => {
    for (const s of SECRETS) assert.ok(!text.includes(s), `${s} in ${what}: ${text}`);
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "mw-outbound-http-"));
    // The failing hook echoes its request line, as some servers do in error pages.
    hooks = await captureServer((req, res) => res.writeHead(500).end(`cannot serve ${req.url}`));
    notices = await captureServer();
    platform = await openPlatform(resolveConfig({ home: join(root, "home") }, {}, root), {
      // Loopback is refused unless listed: the capture servers listen there.
      outbound: OutboundPolicy.parse(["127.0.0.1", "hooks.example.com"]),
      warn: (m) => logs.push(m),
      log: (l) => logs.push(l),
    });
    // Deployments and rollouts load the models they name: these versions load.
    await registerLoadableVersions(platform, "churn", 2);
    await platform.registry.setAlias({ name: "churn", alias: "champion", version: 1 });
    await platform.deployments.create({ name: "prod", primary: "churn@champion" });
    app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await platform.close();
    await hooks.close();
    await notices.close();
    await rm(root, { recursive: true, force: true });
  });

  test("URLs outside the allow-list get a 400 naming the field and the host; nothing is stored", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { webhooks: [{ type: "pre-rollout", url: "http://169.254.169.254/latest/meta-data/" }] },
        /'webhooks\[0\]\.url': host '169\.254\.169\.254' is not in the outbound allow-list; .*--allow-outbound/,
      ],
      [
        {
          webhooks: [
            { type: "rollout", url: "https://hooks.example.com/ok" },
            { type: "rollout", url: "http://[::1]/" },
          ],
        },
        /'webhooks\[1\]\.url': host '\[::1\]'/,
      ],
      [{ prometheus: { url: "http://10.1.2.3:9090" } }, /'prometheus\.url': host '10\.1\.2\.3:9090'/],
      [{ notify_url: "http://localhost:8080/x" }, /'notify_url': host 'localhost:8080'/],
      // 0x0a010203 is 10.1.2.3 once the URL is parsed.
      [{ notify_url: "http://0x0a010203:1/x" }, /'notify_url': host '10\.1\.2\.3:1' is not in the outbound/],
    ];
    for (const [extra, message] of cases) {
      const res = await send("POST", "/deployments/prod/rollouts", { candidate: "churn/2", ...extra });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error_code, "INVALID_PARAMETER_VALUE");
      assert.match(res.body.message, message);
    }
    assert.deepEqual(await platform.rollouts.list("prod"), []);
    const monitor = await send("PUT", "/deployments/prod/monitor", {
      notify: [{ type: "slack", url: "http://192.168.1.1/services/T/B/X" }],
    });
    assert.equal(monitor.status, 400, monitor.text);
    assert.match(monitor.body.message, /'notify\[0\]\.url': host '192\.168\.1\.1'/);
  });

  test("answers show redacted URLs; a failed call leaves no credential anywhere", async () => {
    const port = new URL(hooks.url).port;
    const hookUrl = `http://ci:${HOOK_PASSWORD}@127.0.0.1:${port}/gate?token=${HOOK_TOKEN}`;
    const notifyUrl = `${notices.url}/services/T1/B2/${SLACK_SECRET}`;
    const started = await send("POST", "/deployments/prod/rollouts", {
      candidate: "churn/2",
      threshold: 1,
      interval_ms: 100,
      webhooks: [{ type: "pre-rollout", url: hookUrl }],
      notify_url: notifyUrl,
    });
    assert.equal(started.status, 200, started.text);
    assertNoSecret("the start answer", started.text);
    assert.equal(started.body.rollout.spec.webhooks[0].url, `http://***@127.0.0.1:${port}/gate?token=***`);
    assert.equal(started.body.rollout.spec.notify_url, `${notices.url}/services/***`);

    // One controller tick: the candidate counts as loaded, the pre-rollout hook answers 500, and
    // with a threshold of 1 the rollout is rolled back and notified.
    const controller = new RolloutController({
      store: platform.rolloutStore,
      leases: new LeaseKeeper({ store: platform.leases, clock: systemClock, periodMs: 5000 }),
      actions: platform.rollouts.actions,
      windows: { open: async () => ({ read: async () => assert.fail("no window is read before the hooks pass") }) },
      served: { serves: () => true, candidateLoaded: () => true, positiveClass: () => undefined, kinds: () => ({}) },
      clock: systemClock,
      warn: (m) => logs.push(m),
    });
    await controller.tick();
    await controller.stop();

    // The hook was called with its credentials (basic authentication and the token), once.
    assert.equal(hooks.requests.length, 1);
    assert.equal(hooks.requests[0]?.url, `/gate?token=${HOOK_TOKEN}`);
    assert.equal(
      hooks.requests[0]?.headers.authorization,
      `Basic ${Buffer.from(`ci:${HOOK_PASSWORD}`).toString("base64")}`,
    );

    const status = await send("GET", "/deployments/prod/rollout");
    assert.equal(status.status, 200, status.text);
    const rollout = status.body.rollout;
    assert.equal(rollout.phase, "rolled_back");
    assert.match(
      rollout.reason,
      new RegExp(`pre-rollout hook at 127\\.0\\.0\\.1:${port} failed after \\d+ ms: HTTP 500`),
    );
    assertNoSecret("the rollout", JSON.stringify(rollout));
    assertNoSecret("the events", JSON.stringify(status.body.events));
    assert.ok(status.body.events.some((e: { type: string }) => e.type === "rollout_rolled_back"));
    assertNoSecret("the rollout list", (await send("GET", "/deployments/prod/rollouts")).text);
    assertNoSecret(
      "the deployment's events",
      JSON.stringify(await platform.deployments.events("prod", { limit: 100 })),
    );

    const told = notices.requests.map((r) => r.body);
    assert.ok(told.length >= 2, "started and rolled back were notified");
    assert.match(told.at(-1) ?? "", /rolled back/i);
    for (const body of told) assertNoSecret("a notification", body);
    assertNoSecret("the logs", logs.join("\n"));

    // The store keeps the raw URLs: they are needed to make the calls.
    const stored = (await platform.rollouts.list("prod"))[0];
    assert.equal(stored?.spec.webhooks[0]?.url, hookUrl);
  });

  test("monitor answers show notify URLs redacted", async () => {
    const url = `${notices.url}/alerts?access_token=${MONITOR_TOKEN}`;
    const set = await send("PUT", "/deployments/prod/monitor", { notify: [{ type: "webhook", url, secret: "s" }] });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.monitor.notify[0].url, `${notices.url}/alerts?access_token=***`);
    const got = await send("GET", "/deployments/prod/monitor");
    assertNoSecret("the monitor", got.text);
    assertNoSecret("the monitor list", (await send("GET", "/monitors")).text);
  });
});
