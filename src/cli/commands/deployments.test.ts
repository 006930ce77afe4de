import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../core/config.js";
import { buildApp } from "../../server/app.js";
import { AUTH_OFF } from "../../server/auth/auth-gate.js";
import type { Platform } from "../../server/open-platform.js";
import { openPlatform } from "../../server/open-platform.js";
import { registerLoadableVersions } from "../../serving/test-support/loadable-versions.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

/** Register `churn` versions 1-3 with `champion` → 1 and `challenger` → 2. */
async function registerModels(platform: Platform): Promise<void> {
  // Deployments and rollouts load the models they name: these versions load.
  await registerLoadableVersions(platform, "churn", 3);
  await platform.registry.setAlias({ name: "churn", alias: "champion", version: 1 });
  await platform.registry.setAlias({ name: "churn", alias: "challenger", version: 2 });
}

/** Run `modelworks deployments ...` against a home (and optionally a server). */
function runner(home: () => string, extra: () => string[] = () => []) {
  const run = async (...argv: string[]) => {
    const io = captureIo(home());
    const code = await main(["deployments", ...argv, ...extra()], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const json = async (...argv: string[]) => {
    const r = await run(...argv, "--json");
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out);
  };
  return { run, json };
}

describe("modelworks deployments (embedded store)", () => {
  let home: string;
  const { run, json } = runner(() => home);

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-deploy-cli-"));
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    await registerModels(platform);
    await platform.close();
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("help and usage errors", async () => {
    const help = await run("--help");
    assert.equal(help.code, 0);
    assert.match(help.out, /deployments create NAME --model MODEL@ALIAS/);
    assert.equal((await run()).code, 2);
    assert.equal((await run("frob")).code, 2);
    assert.equal((await run("show")).code, 2);
    assert.match((await run("create", "x")).err, /--model/);
    assert.equal((await run("update", "x", "--shadow", "--no-shadow")).code, 2);
    assert.equal((await run("create", "x", "--model", "churn/1", "--no-candidate")).code, 2);
    assert.equal((await run("update", "x", "--archive-log", "--no-archive-log")).code, 2);
    assert.match((await run("update", "x", "--log-retention", "a week")).err, /--log-retention: expected a duration/);
    const weight = await run("create", "x", "--model", "churn/1", "--weight", "lots");
    assert.equal(weight.code, 2);
    assert.match(weight.err, /--weight: expected a number/);
    const io = captureIo(home);
    assert.equal(await main(["--help"], io), 0);
    assert.match(io.stdout.join("\n"), /deployments/);
  });

  test("create, ls and show, human and JSON", async () => {
    const created = await json(
      "create",
      "prod",
      "--model",
      "churn@champion",
      "--candidate",
      "churn@challenger",
      "--weight",
      "10",
      "--routing-key",
      "customerID",
      "--sampling",
      "0.5",
      "--description",
      "churn scoring",
      "--log-retention",
      "7d",
      "--archive-log",
    );
    const d = created.deployment;
    assert.deepEqual([d.log_retention_ms, d.archive_log], [7 * 86_400_000, true]);
    assert.deepEqual(
      [d.name, d.primary, d.candidate, d.candidate_weight, d.log_sampling, d.generation],
      ["prod", "churn@champion", "churn@challenger", 10, 0.5, 1],
    );
    assert.deepEqual(d.routing_key, { source: "column", name: "customerID" });
    const human = await run("create", "shadowed", "--model", "churn/1", "--candidate", "churn/3", "--shadow");
    assert.equal(human.code, 0, human.err);
    assert.match(human.out, /Created deployment shadowed/);
    assert.match(human.out, /churn\/3 \(shadow\)/);
    const ls = await run("ls");
    assert.match(ls.out, /prod\s+active\s+churn@champion\s+churn@challenger at 10%\s+customerID/);
    assert.deepEqual(
      (await json("ls")).deployments.map((x: { name: string }) => x.name),
      ["prod", "shadowed"],
    );
    const show = await run("show", "prod");
    assert.match(show.out, /Deployment prod \(active, generation 1\) — churn scoring/);
    assert.match(show.out, /Recent events:[\s\S]*created/);
    const shown = await json("show", "prod");
    assert.equal(shown.events[0].type, "created");
  });

  test("update changes fields and records what changed", async () => {
    const res = await json("update", "prod", "--weight", "25", "--routing-key", "header:X-Customer");
    assert.equal(res.deployment.candidate_weight, 25);
    assert.deepEqual(res.deployment.routing_key, { source: "header", name: "x-customer" });
    assert.equal(res.deployment.generation, 2);
    const removed = await json("update", "prod", "--no-candidate", "--no-routing-key", "--stop");
    assert.deepEqual(
      [removed.deployment.candidate, removed.deployment.candidate_weight, removed.deployment.status],
      [undefined, 0, "stopped"],
    );
    assert.equal(removed.deployment.routing_key, undefined);
    assert.deepEqual(
      (await json("ls", "--status", "stopped")).deployments.map((x: { name: string }) => x.name),
      ["prod"],
    );
    const started = await json("update", "prod", "--start", "--expected-generation", "3");
    assert.equal(started.deployment.status, "active");
    const stale = await run("update", "prod", "--stop", "--expected-generation", "3");
    assert.equal(stale.code, 1);
    assert.match(stale.err, /RESOURCE_CONFLICT/);
    const events = await json("events", "prod", "--limit", "2");
    assert.deepEqual(
      events.events.map((e: { type: string }) => e.type),
      ["updated", "updated"],
    );
    assert.deepEqual(events.events[1].data.candidate, { old: "churn@challenger", new: null });
    const human = await run("events", "prod");
    assert.match(human.out, /TIME\s+TYPE\s+ACTOR\s+MESSAGE/);
    assert.match(human.out, /candidate_weight 10 → 25/);
    const kept = await run("update", "prod", "--log-retention", "90d", "--no-archive-log");
    assert.match(kept.out, /log kept:\s+90d\n/);
  });

  test("bad values are one-line errors naming the field", async () => {
    const cases: [string[], RegExp][] = [
      [["create", "x", "--model", "churn@gone"], /INVALID_PARAMETER_VALUE: .*'primary'/],
      [["create", "x", "--model", "nope/1"], /'primary'/],
      [["create", "x", "--model", "churn"], /'primary'.*NAME@ALIAS/],
      [["create", "x", "--model", "churn/1", "--candidate", "churn/2", "--weight", "150"], /'candidate_weight'/],
      [["create", "x", "--model", "churn/1", "--weight", "5"], /'candidate_weight'.*needs a candidate/],
      [["create", "x", "--model", "churn/1", "--sampling", "2"], /'log_sampling'/],
      [["create", "x", "--model", "churn/1", "--log-retention", "10m"], /'log_retention_ms'.*1h/],
      [["update", "prod", "--shadow"], /'shadow'/],
      [["update", "prod", "--primary", "churn/9"], /'primary'/],
      [["show", "nope"], /RESOURCE_DOES_NOT_EXIST/],
      [["ls", "--status", "gone"], /'status'/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      assert.equal(r.code, 1, argv.join(" "));
      assert.equal(r.err.split("\n").length, 1, r.err);
      assert.match(r.err, message, argv.join(" "));
    }
  });

  test("alias changes: the policy and the rollout settings on create and update, shown by show", async () => {
    const created = await json(
      "create",
      "canary",
      "--model",
      "churn@champion",
      "--steps",
      "10,50,100",
      "--interval",
      "1m",
      "--max-psi",
      "0.3",
      "--notify",
      "https://hooks.test/T/B/secret",
      "--allow-outbound",
      "*.test",
    );
    const d = created.deployment;
    assert.equal(d.on_alias_change, "rollout");
    assert.equal(d.primary_version, "1");
    assert.deepEqual(
      [d.rollout.steps, d.rollout.interval_ms, d.rollout.thresholds.max_score_psi],
      [[10, 50, 100], 60_000, 0.3],
    );
    assert.equal(d.rollout.threshold, 2, "unset settings show their defaults");
    assert.doesNotMatch(JSON.stringify(created), /secret/);
    const show = await run("show", "canary");
    assert.match(show.out, /primary: {6}churn@champion \(serving version 1\)/);
    assert.match(
      show.out,
      /alias change: rollout \(steps 10,50,100 %, every 60 s, threshold 2, notify https:\/\/hooks\.test\//,
    );
    const merged = await json("update", "canary", "--threshold", "3", "--allow-outbound", "*.test");
    assert.deepEqual([merged.deployment.rollout.steps, merged.deployment.rollout.threshold], [[10, 50, 100], 3]);
    const swapped = await json("update", "canary", "--on-alias-change", "swap");
    assert.equal(swapped.deployment.on_alias_change, "swap");
    assert.equal(swapped.deployment.primary_version, undefined);
    assert.match((await run("show", "canary")).out, /alias change: swap/);
    const reset = await json("update", "canary", "--default-rollout", "--on-alias-change", "rollout");
    assert.deepEqual(reset.deployment.rollout.steps, [5, 25, 50, 100]);
    assert.equal(reset.deployment.primary_version, "1");
  });

  test("alias change flags: bad values and misplaced flags are one-line errors", async () => {
    const cases: [string[], number, RegExp][] = [
      [
        ["create", "x", "--model", "churn@champion", "--on-alias-change", "later"],
        2,
        /--on-alias-change: expected rollout or swap/,
      ],
      [
        ["create", "x", "--model", "churn@champion", "--default-rollout"],
        2,
        /--default-rollout is for 'deployments update'/,
      ],
      [
        ["update", "canary", "--default-rollout", "--steps", "5,100"],
        2,
        /--default-rollout and --steps cannot be combined/,
      ],
      [["create", "x", "--model", "churn@champion", "--steps", "50,10"], 1, /'rollout\.steps'/],
      [["create", "x", "--model", "churn@champion", "--notify", "https://hooks.test/x"], 1, /'rollout\.notify_url'/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await run(...argv);
      assert.equal(r.code, code, `${argv.join(" ")}: ${r.err}`);
      assert.match(r.err, message, argv.join(" "));
    }
  });

  test("a feature service: --features and --missing-features on create, --no-features on update", async () => {
    const created = await json("create", "featured", "--model", "churn@champion", "--features", "churn");
    assert.deepEqual(created.deployment.features, { service: "churn", missing: "fail" });
    assert.match((await run("show", "featured")).out, /features: +churn \(missing features: fail\)/);
    const lenient = await json("update", "featured", "--features", "churn", "--missing-features", "null");
    assert.deepEqual(lenient.deployment.features, { service: "churn", missing: "null" });
    assert.equal((await json("update", "featured", "--no-features")).deployment.features, undefined);
    for (const [argv, message] of [
      [
        ["create", "f2", "--model", "churn@champion", "--missing-features", "null"],
        /--missing-features goes with --features/,
      ],
      [
        ["create", "f2", "--model", "churn@champion", "--features", "churn", "--missing-features", "skip"],
        /expected fail or null/,
      ],
      [["create", "f2", "--model", "churn@champion", "--features", "bad name"], /features\.service/],
      [["update", "featured", "--features", "churn", "--no-features"], /features/],
    ] as const) {
      const r = await run(...argv);
      assert.notEqual(r.code, 0, argv.join(" "));
      assert.match(r.err, message, argv.join(" "));
    }
  });

  test("delete removes the deployment", async () => {
    const r = await run("delete", "shadowed");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Deleted deployment shadowed/);
    assert.equal((await run("show", "shadowed")).code, 1);
    assert.equal((await json("events", "shadowed")).events[0].type, "deleted");
  });
});

describe("modelworks deployments --tracking-uri (over HTTP)", () => {
  let root: string;
  let platform: Platform;
  let app: FastifyInstance;
  let uri: string;
  const { run, json } = runner(
    () => join(root, "client-home"),
    () => ["--tracking-uri", uri],
  );

  before(async () => {
    root = mkdtempSync(join(tmpdir(), "mw-deploy-remote-"));
    platform = await openPlatform(resolveConfig({ home: join(root, "server-home") }, {}, root));
    await registerModels(platform);
    app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
    await app.listen({ host: "127.0.0.1", port: 0 });
    uri = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    await platform.close();
    rmSync(root, { recursive: true, force: true });
  });

  test("create, update, show, events and delete go to the server", async () => {
    const created = await json("create", "web", "--model", "churn/1", "--candidate", "churn@challenger");
    assert.equal(created.deployment.generation, 1);
    assert.equal((await platform.deployments.get("web")).candidate, "churn@challenger");
    const updated = await json("update", "web", "--weight", "50", "--description", "half");
    assert.equal(updated.deployment.candidate_weight, 50);
    const shown = await json("show", "web");
    assert.equal(shown.deployment.description, "half");
    assert.equal(shown.events.length, 2);
    const cleared = await json("update", "web", "--description", "", "--no-candidate");
    assert.equal(cleared.deployment.description, undefined);
    assert.equal(cleared.deployment.candidate, undefined);
    const bad = await run("update", "web", "--sampling", "7");
    assert.equal(bad.code, 1);
    assert.match(bad.err, /INVALID_PARAMETER_VALUE: .*'log_sampling'/);
    assert.equal((await json("ls")).deployments.length, 1);
    assert.equal((await json("events", "web", "--limit", "1")).events[0].type, "updated");
    assert.equal((await run("delete", "web")).code, 0);
    await assert.rejects(platform.deployments.get("web"), { code: "RESOURCE_DOES_NOT_EXIST" });
    // The rollout settings travel as the API's `rollout` object; the server's outbound policy applies.
    const canary = await json("create", "canary", "--model", "churn@champion", "--steps", "20,100", "--shadow-first");
    assert.deepEqual([canary.deployment.rollout.steps, canary.deployment.rollout.shadow_first], [[20, 100], true]);
    assert.deepEqual((await platform.deployments.get("canary")).rollout, { steps: [20, 100], shadowFirst: true });
    const refused = await run("update", "canary", "--webhook", "pre-rollout=https://hooks.test/pre");
    assert.match(refused.err, /'rollout\.webhooks\[0\]\.url'/);
  });
});
