/** `modelworks rollout` in-process against the embedded store: start, status, ls, abort, promote, rollback, usage errors. */
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

describe("modelworks rollout (embedded store)", () => {
  let home: string;

  const run = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(["rollout", ...argv], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const json = async (...argv: string[]) => {
    const r = await run(...argv, "--json");
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out);
  };
  /** What the embedded store holds now. */
  const inspect = async <T>(fn: (p: Awaited<ReturnType<typeof openPlatform>>) => Promise<T>): Promise<T> => {
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    try {
      return await fn(platform);
    } finally {
      await platform.close();
    }
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-rollout-cli-"));
    await inspect(async (p) => {
      // Deployments and rollouts load the models they name: these versions load.
      await registerLoadableVersions(p, "churn", 3);
      await p.registry.setAlias({ name: "churn", alias: "champion", version: 1 });
      await p.registry.setAlias({ name: "churn", alias: "challenger", version: 3 });
      await p.deployments.create({ name: "prod", primary: "churn@champion" });
      await p.deployments.create({ name: "web", primary: "churn/1" });
    });
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("--help exits 0 with the usage; no subcommand exits 2", async () => {
    const help = await run("--help");
    assert.equal(help.code, 0);
    assert.match(help.out, /modelworks rollout start DEPLOYMENT --candidate MODEL\/VERSION/);
    assert.match(help.out, /--webhook TYPE\[:NAME\]=URL/);
    const io = captureIo(home);
    assert.equal(await main(["--help"], io), 0);
    assert.match(io.stdout.join("\n"), /rollout\s+canary rollouts/);
    const bare = await run();
    assert.equal(bare.code, 2);
    assert.match(bare.out, /Usage:/);
  });

  test("usage errors exit non-zero with one line naming the flag", async () => {
    const cases: [string[], RegExp][] = [
      [["start", "prod", "--candidate", "churn/2", "--steps", "5,x"], /--steps: expected a number, got 'x'/],
      [["start", "prod", "--candidate", "churn/2", "--interval", "soon"], /'--interval'.*'soon'/],
      [["start", "prod", "--candidate", "churn/2", "--threshold", "two"], /--threshold/],
      [["start", "prod", "--candidate", "churn/2", "--min-requests", "1.5"], /--min-requests: expected a whole number/],
      [["start", "prod", "--candidate", "churn/2", "--latency-slack", "fast"], /--latency-slack/],
      [["start", "prod", "--candidate", "churn/2", "--webhook", "bogus=http://x"], /--webhook type 'bogus'/],
      [["start", "prod", "--candidate", "churn/2", "--webhook", "rollout"], /--webhook must be TYPE=URL/],
      [["start", "prod", "--candidate", "churn/2", "--webhook-timeout", "later"], /--webhook-timeout/],
      [["start", "prod", "--candidate", "churn/2", "--promql", "p=up<=1"], /--promql needs --prometheus/],
      [
        ["start", "prod", "--candidate", "churn/2", "--prometheus", "http://p", "--promql", "p=up"],
        /--promql 'p=up'.*no '<=' or '>=' bound/,
      ],
      [["start", "prod"], /rollout start needs --candidate/],
      [["status", "prod", "--candidate", "churn/2"], /--candidate is for 'rollout start'/],
      [["ls", "prod", "--steps", "5,100"], /--steps is for 'rollout start'/],
      [["abort", "prod", "--wait"], /--wait is for 'rollout start'/],
      [["status"], /rollout status needs a DEPLOYMENT name/],
      [["start", "--candidate", "churn/2"], /rollout start needs a DEPLOYMENT name/],
      [["status", "prod", "extra"], /unexpected argument 'extra'/],
      [["frob", "prod"], /unknown subcommand 'rollout frob'/],
      [["ls", "prod", "--limit", "lots"], /--limit: expected a number/],
      [["ls", "prod", "--limit=-1"], /--limit: expected a whole number/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      assert.equal(r.code, 2, `${argv.join(" ")}: ${r.err}`);
      assert.equal(r.err.split("\n").length, 1, r.err);
      assert.match(r.err, /^modelworks rollout: /);
      assert.match(r.err, message, argv.join(" "));
      assert.equal(r.out, "", argv.join(" "));
    }
    const unknownFlag = await run("status", "prod", "--frobnicate");
    assert.notEqual(unknownFlag.code, 0);
    assert.equal(unknownFlag.err.split("\n").length, 1, unknownFlag.err);
    assert.match(unknownFlag.err, /--frobnicate/);
    // Nothing reached the store.
    assert.deepEqual(await inspect((p) => p.rollouts.list("prod")), []);
  });

  test("errors from the service exit 1 with one line", async () => {
    const cases: [string[], RegExp][] = [
      [["start", "prod", "--candidate", "churn/9"], /INVALID_PARAMETER_VALUE: .*'candidate'/],
      [["start", "prod", "--candidate", "churn/2", "--steps", "50,25"], /INVALID_PARAMETER_VALUE: .*'steps'/],
      [["start", "prod", "--candidate", "churn/2", "--interval", "10ms"], /'interval_ms'/],
      [["start", "nope", "--candidate", "churn/2"], /RESOURCE_DOES_NOT_EXIST: .*nope/],
      [["status", "prod"], /RESOURCE_DOES_NOT_EXIST: .*no rollouts/],
      [["abort", "prod"], /RESOURCE_DOES_NOT_EXIST/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      assert.equal(r.code, 1, `${argv.join(" ")}: ${r.err}`);
      assert.equal(r.err.split("\n").length, 1, r.err);
      assert.match(r.err, message, argv.join(" "));
    }
  });

  test("an out-of-range analysis flag names the flag", {}, async () => {
    const r = await run("start", "prod", "--candidate", "churn/2", "--latency-ratio", "0.5");
    assert.notEqual(r.code, 0);
    assert.match(r.err, /--latency-ratio|latency_ratio/);
  });

  test("start prints the rollout; status shows its events; ls lists it; abort ends it", async () => {
    const started = await run("start", "prod", "--candidate", "churn/2");
    assert.equal(started.code, 0, started.err);
    assert.match(started.out, /^Started rollout [0-9a-f]{16} on prod: Initializing/);
    assert.match(started.out, /candidate: +churn\/2 at 0 % \(before the first step; steps 5, 25, 50, 100 %\)/);
    assert.match(started.out, /primary: +churn@champion/);
    assert.match(started.out, /failed checks: 0 of 2 allowed; 0 analyses every 30s/);
    const id = /Started rollout ([0-9a-f]{16})/.exec(started.out)?.[1];
    assert.ok(id);
    assert.equal((await inspect((p) => p.deployments.get("prod"))).candidate, "churn/2");

    const status = await run("status", "prod");
    assert.equal(status.code, 0, status.err);
    assert.match(status.out, new RegExp(`^Rollout ${id} on prod: Initializing`));
    assert.match(status.out, /Events \(newest first\):\n.*rollout_started +Started rollout of churn\/2 on prod/);
    const statusJson = await json("status", "prod");
    assert.equal(statusJson.rollout.id, id);
    assert.deepEqual(
      statusJson.events.map((e: { type: string }) => e.type),
      ["rollout_started"],
    );

    const ls = await run("ls", "prod");
    assert.equal(ls.code, 0, ls.err);
    assert.match(ls.out, /ID\s+PHASE\s+CANDIDATE\s+WEIGHT\s+FAILED\s+STARTED\s+REASON/);
    assert.match(ls.out, new RegExp(`${id}\\s+Initializing\\s+churn/2\\s+0%\\s+0/2`));

    const again = await run("start", "prod", "--candidate", "churn/3");
    assert.equal(again.code, 1);
    assert.match(again.err, /already has an active rollout/);

    const aborted = await run("abort", "prod", "--reason", "dashboards look off");
    assert.equal(aborted.code, 0, aborted.err);
    assert.match(
      aborted.out,
      new RegExp(`^Aborted ${id} on prod: RolledBack — aborted by request: dashboards look off`),
    );
    assert.equal((await inspect((p) => p.deployments.get("prod"))).candidate, undefined);
    const afterAbort = await run("abort", "prod");
    assert.equal(afterAbort.code, 1);
    assert.match(afterAbort.err, /INVALID_STATE: Nothing to abort/);
  });

  test("start --json with every setting; ls --json; promote; rollback", async () => {
    const res = await json(
      "start",
      "prod",
      "--candidate",
      "churn@challenger",
      "--steps",
      "10,50,100",
      "--interval",
      "2s",
      "--threshold",
      "3",
      "--shadow-first",
      "--max-error-rate-increase",
      "0.05",
      "--latency-ratio",
      "2",
      "--latency-slack",
      "10ms",
      "--max-psi",
      "0.3",
      "--min-requests",
      "5",
      "--auc-margin",
      "0.01",
      "--min-labels",
      "50",
      "--webhook",
      "rollout:load=http://127.0.0.1:9/load",
      "--webhook",
      "confirm-promotion=https://gate.example/ok",
      "--webhook-timeout",
      "3s",
      "--prometheus",
      "http://prom.example:9090",
      "--promql",
      "p95=histogram_quantile(0.95, x)<=0.25",
      "--allow-outbound",
      "127.0.0.1:9,gate.example",
      "--allow-outbound",
      "prom.example:9090",
    );
    const r: RolloutInfo = res.rollout;
    assert.equal(r.candidate, "churn/3", "the alias is pinned to its version");
    assert.equal(r.phase, "initializing");
    assert.deepEqual(r.spec, {
      steps: [10, 50, 100],
      interval_ms: 2000,
      threshold: 3,
      shadow_first: true,
      thresholds: {
        max_error_rate_increase: 0.05,
        latency_ratio: 2,
        latency_slack_ms: 10,
        max_score_psi: 0.3,
        min_requests: 5,
        auc_margin: 0.01,
        max_rmse_increase: 0.1,
        accuracy_margin: 0.02,
        min_labels: 50,
      },
      webhooks: [
        { name: "load", type: "rollout", url: "http://127.0.0.1:9/load", timeout_ms: 3000 },
        { name: "confirm-promotion", type: "confirm-promotion", url: "https://gate.example/ok", timeout_ms: 3000 },
      ],
      prometheus: {
        url: "http://prom.example:9090",
        checks: [{ name: "p95", query: "histogram_quantile(0.95, x)", max: 0.25 }],
      },
    });
    const ls = await json("ls", "prod");
    assert.deepEqual(
      ls.rollouts.map((x: RolloutInfo) => [x.candidate, x.phase]),
      [
        ["churn/3", "initializing"],
        ["churn/2", "rolled_back"],
      ],
    );
    assert.equal((await json("ls", "prod", "--limit", "1")).rollouts.length, 1);

    const promoted = await run("promote", "prod");
    assert.equal(promoted.code, 0, promoted.err);
    assert.match(promoted.out, new RegExp(`^Promoted ${r.id} on prod: Succeeded`));
    assert.match(promoted.out, /promotion: +churn@champion → 3 \(previous: 1\)/);
    const aliases = async () =>
      inspect(async (p) => {
        const version = (alias: string) =>
          p.registry.getModelVersionByAlias({ name: "churn", alias }).then(
            (v) => v.version,
            () => undefined,
          );
        return [await version("champion"), await version("previous")];
      });
    assert.deepEqual(await aliases(), ["3", "1"]);

    const back = await json("rollback", "prod");
    assert.equal(back.rollout.phase, "rolled_back");
    assert.match(back.rollout.reason, /rolled back after promotion: champion back to churn\/1/);
    assert.deepEqual(await aliases(), ["1", undefined]);
  });

  test("a pinned primary follows the promotion", async () => {
    const started = await json("start", "web", "--candidate", "churn/2", "--steps", "50,100");
    assert.equal(started.rollout.primary, "churn/1");
    const promoted = await json("promote", "web");
    assert.equal(promoted.rollout.promotion.previous_primary, "churn/1");
    assert.equal((await inspect((p) => p.deployments.get("web"))).primary, "churn/2");
    await json("rollback", "web");
    assert.equal((await inspect((p) => p.deployments.get("web"))).primary, "churn/1");
  });
});
