/** `modelworks monitor` in-process against the embedded store: set, status, run, alerts, rm, usage errors. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { MonitorConfigInfo } from "../../core/api/platform-routes.js";
import type { TelcoWorld } from "../../monitoring/live/test-support/telco-world.js";
import { logRequest, records, registerTelco, telcoWorld } from "../../monitoring/live/test-support/telco-world.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

describe("modelworks monitor (embedded store)", () => {
  let w: TelcoWorld;
  let version: string;

  const run = async (...argv: string[]) => {
    const io = captureIo(w.home);
    const code = await main(["monitor", ...argv], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const json = async (...argv: string[]) => {
    const r = await run(...argv, "--json");
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out);
  };

  before(async () => {
    w = await telcoWorld();
    version = await registerTelco(w, "churn");
    await w.platform.deployments.create({ name: "prod", primary: `churn/${version}` });
  });
  after(() => w.close());

  test("--help exits 0 with the usage; no subcommand exits 2; listed in the main help", async () => {
    const help = await run("--help");
    assert.equal(help.code, 0);
    assert.match(help.out, /modelworks monitor set DEPLOYMENT \[--interval 5m\]/);
    assert.match(help.out, /feature-drift:COL/);
    assert.equal((await run()).code, 2);
    const io = captureIo(w.home);
    assert.equal(await main(["--help"], io), 0);
    assert.match(io.stdout.join("\n"), /monitor\s+live drift/);
  });

  test("usage errors exit non-zero with one line naming the flag or field", async () => {
    const cases: [string[], RegExp][] = [
      [["set", "prod", "--interval", "soon"], /'--interval'.*'soon'/],
      [["set", "prod", "--window", "1h", "--window-rows", "10"], /one of --window .* and --window-rows/],
      [["set", "prod", "--window-rows", "ten"], /--window-rows: expected a number/],
      [["set", "prod", "--min-labels", "1.5"], /--min-labels: expected a whole number/],
      [["set", "prod", "--auc-margin", "x"], /--auc-margin: expected a number/],
      [["set", "prod", "--alert", "drift"], /--alert 'drift': expected dataset-drift/],
      [["set", "prod", "--alert", "feature-drift"], /feature-drift needs a column/],
      [["set", "prod", "--alert", "error-rate"], /error-rate needs a maximum/],
      [["set", "prod", "--alert", "error-rate:lots"], /--alert error-rate: expected a number/],
      [["set", "prod", "--alert", "dataset-drift,when=now"], /unknown option 'when=now'/],
      [["set", "prod", "--alert", "feature-freshness:usage"], /feature-freshness needs a view and a maximum age/],
      [["set", "prod", "--alert", "feature-freshness:usage:soon"], /expected a duration/],
      [["set", "prod", "--notify", "email=x@y"], /--notify must be webhook=URL, slack=URL or log/],
      [["set", "prod", "--secret", "s"], /--secret signs webhook notifications/],
      [["set", "prod", "--notify", "webhook=ftp://x"], /notify\[0\]\.url/],
      [["set", "prod", "--alert", "feature-drift:tenur"], /'alerts\[0\]\.feature'.*'tenur'/],
      [["set", "prod", "--interval", "100ms"], /'interval_ms'/],
      [["set", "nope"], /nope/],
      [["status", "prod", "--alert", "dataset-drift"], /--alert is for 'monitor set'/],
      [["run", "prod", "--all"], /--all is for 'monitor alerts'/],
      [["status"], /monitor status needs a DEPLOYMENT/],
      [["watch", "prod"], /unknown subcommand 'monitor watch'/],
      [["status", "prod"], /prod has no monitor|'prod' has no monitor/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      assert.notEqual(r.code, 0, argv.join(" "));
      assert.match(r.err, message, argv.join(" "));
      assert.equal(r.err.split("\n").length, 1, r.err);
    }
  });

  test("set → status → run → alerts → rm, human and --json", async () => {
    const set = await run(
      "set",
      "prod",
      "--interval",
      "1m",
      "--window-rows",
      "300",
      "--alert",
      "feature-drift:tenure,pipeline=retrain",
      "--alert",
      "error-rate:0.02",
      "--notify",
      "webhook=http://127.0.0.1:9/hook",
      "--secret",
      "s3cret",
      "--notify",
      "log",
      "--allow-outbound",
      "127.0.0.1:9",
    );
    assert.equal(set.code, 0, set.err);
    assert.match(set.out, /Set monitor of prod: every 1m over the last 300 predictions/);
    assert.match(set.out, /feature_drift:tenure → pipeline retrain, error_rate>0\.02/);
    assert.match(set.out, /webhook 127\.0\.0\.1:9 \(signed\), log/);
    const ls = await run("ls");
    assert.match(ls.out, /DEPLOYMENT\s+INTERVAL\s+WINDOW\s+ALERTS\s+LAST RUN/);
    assert.match(ls.out, /prod\s+1m\s+300 rows\s+feature_drift, error_rate\s+never/);
    assert.equal((await run("ls", "prod")).code, 2);
    const m: MonitorConfigInfo = (await json("status", "prod")).monitor;
    assert.deepEqual([m.interval_ms, m.window_rows, m.notify[0]?.secret_set], [60_000, 300, true]);
    const shifted = records(
      w,
      Array.from({ length: 300 }, (_, k) => k * 13),
      (r) => {
        r.tenure = Number(r.tenure) + 40;
      },
    );
    await logRequest(w, "prod", { name: "churn", version }, shifted, Date.now() - 1000);
    const ran = await run("run", "prod", "--allow-outbound", "127.0.0.1:9");
    assert.equal(ran.code, 0, ran.err);
    assert.match(ran.out, new RegExp(`churn/${version}: 300 predictions, 0 labelled`));
    assert.match(ran.out, /tenure\s+wasserstein\s+[\d.]+\s+0\.1\s+YES/);
    assert.match(ran.out, /alert fired: feature_drift:tenure/);
    // The log notifier writes to stderr; the webhook (nothing listens) fails with a warning naming its host.
    assert.match(ran.err, /alert firing: deployment prod rule feature_drift:tenure/);
    assert.match(ran.err, /warning: alert notification .* failed: 127\.0\.0\.1:9/);
    const status = await run("status", "prod");
    assert.match(status.out, /Recent runs \(newest first\):/);
    assert.match(status.out, /Firing alerts:\nDEPLOYMENT.*\nprod\s+feature_drift:tenure\s+firing/);
    const alerts = await json("alerts");
    assert.deepEqual(
      alerts.alerts.map((a: { rule: string; pipeline?: string }) => [a.rule, a.pipeline]),
      [["feature_drift:tenure", "retrain"]],
    );
    assert.equal((await json("alerts", "other", "--all")).alerts.length, 0);
    assert.match((await run("alerts", "prod")).out, /DEPLOYMENT\s+RULE\s+STATUS/);
    const rm = await run("rm", "prod");
    assert.equal(rm.code, 0, rm.err);
    assert.match(rm.out, /Stopped monitoring prod/);
    assert.notEqual((await run("status", "prod")).code, 0);
  });
});
