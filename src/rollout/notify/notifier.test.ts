import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { OutboundPolicy } from "../../auth/outbound-policy.js";
import { captureServer, deadUrl } from "../../core/test-support/capture-server.js";
import type { CheckResult } from "../analysis/window-checks.js";
import type { RolloutNotice } from "./notifier.js";
import { silentNotifier, slackNotifier } from "./notifier.js";

/** The capture servers listen on loopback, which is refused unless listed. */
const outbound = OutboundPolicy.parse(["127.0.0.1"]);

const checks: CheckResult[] = [
  {
    check: "error-rate",
    passed: true,
    value: 0.004,
    threshold: 0.011,
    detail: "candidate 0.40 % errors vs primary 0.10 % + 1.00 %",
  },
  {
    check: "auc",
    passed: false,
    value: 0.71234,
    threshold: 0.78,
    detail: "candidate AUC 0.712 vs primary 0.800 − 0.02",
  },
];

const notice: RolloutNotice = {
  kind: "rolled_back",
  deployment: "churn-prod",
  rolloutId: "r-1",
  candidate: "churn/4",
  primary: "churn@champion",
  weight: 0,
  message: "analysis failed: auc",
  checks,
};

describe("slackNotifier", () => {
  test("posts text and blocks with one line per check, value vs threshold and ✅/❌", async () => {
    const server = await captureServer();
    try {
      const warnings: string[] = [];
      await slackNotifier(`${server.url}/services/T0/B0/secret`, { outbound, warn: (m) => warnings.push(m) }).notify(
        notice,
      );
      assert.deepEqual(warnings, []);
      const req = server.requests[0];
      assert.equal(req?.method, "POST");
      assert.equal(req?.url, "/services/T0/B0/secret");
      assert.equal(req?.headers["content-type"], "application/json");
      const body = JSON.parse(req?.body ?? "");
      assert.equal(body.text, "⏪ Rollout rolled back: churn-prod: analysis failed: auc");
      assert.deepEqual(
        body.blocks.map((b: { type: string }) => b.type),
        ["header", "section", "section"],
      );
      assert.equal(body.blocks[0].text.text, "⏪ Rollout rolled back: churn-prod");
      assert.match(
        body.blocks[1].text.text,
        /analysis failed: auc\n\*Candidate\* `churn\/4` at 0% · \*Primary\* `churn@champion`/,
      );
      assert.deepEqual(body.blocks[2].text.text.split("\n"), [
        "✅ *error-rate* 0.004 vs 0.011: candidate 0.40 % errors vs primary 0.10 % + 1.00 %",
        "❌ *auc* 0.7123 vs 0.78: candidate AUC 0.712 vs primary 0.800 − 0.02",
      ]);
    } finally {
      await server.close();
    }
  });

  test("without checks there is no check block", async () => {
    const server = await captureServer();
    try {
      const { checks: _, ...plain } = notice;
      await slackNotifier(server.url, { outbound }).notify({
        ...plain,
        kind: "started",
        weight: 5,
        message: "starting",
      });
      const body = JSON.parse(server.requests[0]?.body ?? "");
      assert.equal(body.blocks.length, 2);
      assert.match(body.text, /^🚀 Rollout started: churn-prod: starting$/);
    } finally {
      await server.close();
    }
  });

  test("a dead URL or an error status only warns, naming the host and not the secret path", async () => {
    const warnings: string[] = [];
    const warn = (m: string) => warnings.push(m);
    const dead = await deadUrl();
    await slackNotifier(`${dead}/services/secret`, { outbound, warn, timeoutMs: 1000 }).notify(notice);
    const server = await captureServer((_, res) => res.writeHead(404).end("no_service"));
    try {
      await slackNotifier(`${server.url}/services/secret`, { outbound, warn }).notify(notice);
    } finally {
      await server.close();
    }
    await slackNotifier("not a url", { outbound, warn }).notify(notice);
    assert.equal(warnings.length, 3);
    assert.match(
      warnings[0] ?? "",
      /^rollout notification \(rolled_back\) to 127\.0\.0\.1:\d+ failed: request failed: .*ECONNREFUSED/,
    );
    assert.match(warnings[1] ?? "", /failed: HTTP 404: no_service$/);
    assert.ok(warnings.every((w) => !w.includes("secret")));
  });

  test("a hanging endpoint times out and warns", async () => {
    const server = await captureServer(() => {});
    try {
      const warnings: string[] = [];
      await slackNotifier(server.url, { outbound, timeoutMs: 100, warn: (m) => warnings.push(m) }).notify(notice);
      assert.match(warnings[0] ?? "", /timed out after 100 ms/);
    } finally {
      await server.close();
    }
  });
});

test("silentNotifier resolves without doing anything", async () => {
  await silentNotifier.notify(notice);
});
