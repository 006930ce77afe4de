/** `modelworks rollout` in-process: webhook, Prometheus and notify URLs must be allowed (--allow-outbound / MODELWORKS_OUTBOUND_ALLOW) and come back redacted. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { RolloutInfo } from "../../core/api/platform-routes.js";
import { resolveConfig } from "../../core/config.js";
import { openPlatform } from "../../server/open-platform.js";
import { registerLoadableVersions } from "../../serving/test-support/loadable-versions.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

describe("modelworks rollout: outbound URLs", () => {
  let home: string;
  const HOOK = "https://user:hook-pw@hooks.example.com/run?token=tok-secret-1";
  const NOTIFY = "https://hooks.slack.example/services/T1/B2/slack-secret-2";
  const SECRETS = ["hook-pw", "tok-secret-1", "slack-secret-2"];

  const run = async (env: Record<string, string>, ...argv: string[]) => {
    const io = captureIo(home);
    Object.assign(io.env, env);
    const code = await main(["rollout", ...argv], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-rollout-outbound-"));
    const p = await openPlatform(resolveConfig({ home }, {}, home));
    try {
      // Deployments and rollouts load the models they name: these versions load.
      await registerLoadableVersions(p, "churn", 2);
      await p.registry.setAlias({ name: "churn", alias: "champion", version: 1 });
      await p.deployments.create({ name: "prod", primary: "churn@champion" });
    } finally {
      await p.close();
    }
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("a host not allowed exits 1 naming the field, the host and the flag; nothing is stored", async () => {
    const start = ["start", "prod", "--candidate", "churn/2", "--webhook", `rollout=${HOOK}`];
    const refused = await run({}, ...start);
    assert.equal(refused.code, 1, refused.err);
    assert.equal(refused.err.split("\n").length, 1, refused.err);
    assert.match(
      refused.err,
      /INVALID_PARAMETER_VALUE: Invalid value for 'webhooks\[0\]\.url': host 'hooks\.example\.com' is not in the outbound allow-list; .*--allow-outbound hooks\.example\.com/,
    );
    const loopback = await run({}, "start", "prod", "--candidate", "churn/2", "--prometheus", "http://127.0.0.1:9090");
    assert.equal(loopback.code, 1);
    assert.match(loopback.err, /'prometheus\.url': host '127\.0\.0\.1:9090' is not in the outbound allow-list/);
    const anyHost = await run(
      {},
      "start",
      "prod",
      "--candidate",
      "churn/2",
      "--notify",
      "http://10.0.0.7/x",
      "--allow-outbound",
      "*",
    );
    assert.equal(anyHost.code, 1);
    assert.match(anyHost.err, /'notify_url': 10\.0\.0\.7 is not a public address \(private\)/);
    const bad = await run({}, ...start, "--allow-outbound", "http://hooks.example.com");
    assert.equal(bad.code, 2);
    assert.match(bad.err, /Invalid outbound allow-list entry 'http:\/\/hooks\.example\.com'/);
    for (const r of [refused, loopback, anyHost, bad]) for (const s of SECRETS) assert.ok(!r.err.includes(s), r.err);
  });

  test("MODELWORKS_OUTBOUND_ALLOW allows them; answers show them redacted; the store keeps them", async () => {
    const env = { MODELWORKS_OUTBOUND_ALLOW: "hooks.example.com, *.slack.example" };
    const started = await run(
      env,
      ...["start", "prod", "--candidate", "churn/2", "--webhook", `rollout=${HOOK}`, "--notify", NOTIFY, "--json"],
    );
    assert.equal(started.code, 0, started.err);
    const r: RolloutInfo = JSON.parse(started.out).rollout;
    assert.equal(r.spec.webhooks[0]?.url, "https://***@hooks.example.com/run?token=***");
    assert.equal(r.spec.notify_url, "https://hooks.slack.example/services/***");
    const status = await run({}, "status", "prod", "--json");
    const ls = await run({}, "ls", "prod");
    for (const out of [started.out, status.out, ls.out]) for (const s of SECRETS) assert.ok(!out.includes(s), out);
    const stored = await (async () => {
      const p = await openPlatform(resolveConfig({ home }, {}, home));
      try {
        return (await p.rollouts.list("prod"))[0]?.spec;
      } finally {
        await p.close();
      }
    })();
    assert.equal(stored?.webhooks[0]?.url, HOOK);
    assert.equal(stored?.notifyUrl, NOTIFY);
    // Without the allow-list here, the abort's notification is refused, not sent.
    const aborted = await run({}, "abort", "prod");
    assert.equal(aborted.code, 0, aborted.err);
  });
});
