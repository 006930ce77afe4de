import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { OutboundPolicy } from "../../auth/outbound-policy.js";
import { isMwError } from "../../core/errors.js";
import type { CaptureServer } from "../../core/test-support/capture-server.js";
import { captureServer, deadUrl } from "../../core/test-support/capture-server.js";
import type { WebhookSpec } from "../rollout.js";
import type { WebhookContext } from "./webhook-client.js";
import { callWebhook, parseWebhookFlag, webhookCheck } from "./webhook-client.js";

const context: WebhookContext = {
  deployment: "churn-prod",
  rollout_id: "r-1",
  phase: "progressing",
  candidate: "churn/4",
  primary: "churn@champion",
  weight: 10,
  step: 0,
  failed_checks: 1,
};

/** The capture servers listen on loopback, which is refused unless listed. */
const opts = { outbound: OutboundPolicy.parse(["127.0.0.1", "hooks.example.com"]) };

const spec = (url: string, more: Partial<WebhookSpec> = {}): WebhookSpec => ({
  name: "load-test",
  type: "rollout",
  url,
  timeoutMs: 2000,
  ...more,
});

describe("callWebhook", () => {
  let server: CaptureServer;
  before(async () => {
    server = await captureServer((req, res) => {
      if (req.url === "/fail")
        res.writeHead(500, { "content-type": "text/plain" }).end(`database down\n${"x".repeat(5000)}`);
      else if (req.url === "/hang") return;
      else if (req.url === "/endless") {
        // A 200 whose body never ends: the client reads its cap and stops.
        res.writeHead(200);
        const chunk = Buffer.alloc(16 * 1024, 97);
        const pump = () => {
          while (res.write(chunk)) {}
          res.once("drain", pump);
        };
        pump();
      } else res.writeHead(202).end("accepted");
    });
  });
  after(() => server.close());

  test("a 2xx passes, and the payload arrives as sent with content-type application/json", async () => {
    const o = await callWebhook(spec(`${server.url}/hook?x=1`, { metadata: { cmd: "hey -z 1m" } }), context, opts);
    assert.equal(o.passed, true);
    assert.equal(o.status, 202);
    assert.equal(o.error, undefined);
    assert.deepEqual([o.name, o.type, o.url], ["load-test", "rollout", `${server.url}/hook?x=1`]);
    const req = server.requests.at(-1);
    assert.equal(req?.method, "POST");
    assert.equal(req?.url, "/hook?x=1");
    assert.equal(req?.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(req?.body ?? ""), {
      name: "load-test",
      type: "rollout",
      ...context,
      metadata: { cmd: "hey -z 1m" },
    });
    const check = webhookCheck(o);
    assert.deepEqual([check.check, check.passed, check.value, check.threshold], ["webhook:load-test", true, 202, 299]);
  });

  test("metadata defaults to an empty object", async () => {
    await callWebhook(spec(server.url), context, opts);
    assert.deepEqual(JSON.parse(server.requests.at(-1)?.body ?? "").metadata, {});
  });

  test("a 500 fails with its status and a short snippet of the body", async () => {
    const o = await callWebhook(spec(`${server.url}/fail`), context, opts);
    assert.equal(o.passed, false);
    assert.equal(o.status, 500);
    assert.match(o.error ?? "", /^HTTP 500: database down x+…$/);
    assert.ok((o.error ?? "").length < 300);
    const check = webhookCheck(o);
    assert.deepEqual([check.passed, check.value, check.threshold], [false, 500, 299]);
    assert.match(check.detail, /rollout hook at 127\.0\.0\.1:\d+ failed after \d+ ms: HTTP 500/);
  });

  test("a server that never answers fails at the timeout", async () => {
    const started = Date.now();
    const o = await callWebhook(spec(`${server.url}/hang`, { timeoutMs: 150 }), context, opts);
    assert.equal(o.passed, false);
    assert.equal(o.status, undefined);
    assert.equal(o.error, "timed out after 150 ms");
    assert.ok(Date.now() - started < 2000);
    assert.ok(o.durationMs >= 140, `duration ${o.durationMs}`);
    assert.equal(webhookCheck(o).value, 0);
  });

  test("an endless body is read up to its cap, not to the end", async () => {
    const o = await callWebhook(spec(`${server.url}/endless`, { timeoutMs: 5000 }), context, opts);
    assert.equal(o.passed, true);
    assert.equal(o.status, 200);
  });

  test("a refused connection fails with the reason", async () => {
    const o = await callWebhook(spec(await deadUrl()), context, opts);
    assert.equal(o.passed, false);
    assert.equal(o.status, undefined);
    assert.match(o.error ?? "", /^request failed: .*ECONNREFUSED/);
    assert.equal(webhookCheck(o).value, 0);
  });

  test("a URL that is not http(s) fails without a request", async () => {
    const before = server.requests.length;
    const o = await callWebhook(spec("file:///etc/passwd"), context, opts);
    assert.equal(o.passed, false);
    assert.match(o.error ?? "", /only http and https/);
    assert.equal(server.requests.length, before);
  });

  test("an injected fetch is used", async () => {
    const o = await callWebhook(spec("https://hooks.example.com/x"), context, {
      ...opts,
      fetch: async () => new Response("no", { status: 403 }),
    });
    assert.deepEqual([o.passed, o.status, o.error], [false, 403, "HTTP 403: no"]);
  });
});

describe("parseWebhookFlag", () => {
  test("TYPE=URL names the hook after its type; TYPE:NAME=URL names it; URLs keep their = and :", () => {
    assert.deepEqual(parseWebhookFlag("pre-rollout=http://tests:8080/run?suite=smoke", 5000), {
      name: "pre-rollout",
      type: "pre-rollout",
      url: "http://tests:8080/run?suite=smoke",
      timeoutMs: 5000,
    });
    assert.deepEqual(parseWebhookFlag("confirm-promotion:gate=https://ci.example.com/approve", 30_000), {
      name: "gate",
      type: "confirm-promotion",
      url: "https://ci.example.com/approve",
      timeoutMs: 30_000,
    });
  });

  test("anything else is an invalid parameter naming --webhook", () => {
    for (const bad of [
      "http://no-type.example.com",
      "event=http://x.example.com",
      "rollout:=http://x.example.com",
      "rollout:a b=http://x.example.com",
      "rollout=ftp://x.example.com",
      "rollout=not a url",
      "rollout=",
    ]) {
      assert.throws(
        () => parseWebhookFlag(bad, 1000),
        (e: unknown) => isMwError(e) && e.code === "INVALID_PARAMETER_VALUE" && e.message.startsWith("--webhook"),
        bad,
      );
    }
    assert.throws(() => parseWebhookFlag("rollout=http://x.example.com", 0), /--webhook timeout/);
  });
});
