/** The platform API's monitor and alert routes through the real app: set, status, run, results, alerts, bad input. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import type { MonitorConfigInfo, MonitorStatusInfo } from "../../core/api/platform-routes.js";
import type { TelcoWorld } from "../../monitoring/live/test-support/telco-world.js";
import {
  logRequest,
  records,
  registerTelco,
  sendOutcomes,
  telcoWorld,
} from "../../monitoring/live/test-support/telco-world.js";
import { buildApp } from "../app.js";
import { AUTH_OFF } from "../auth/auth-gate.js";

const V1 = "/api/modelworks/v1";

describe("platform API: monitoring", () => {
  let w: TelcoWorld;
  let app: FastifyInstance;
  let version: string;

  const send = async (method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown) => {
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const headers = payload === undefined ? {} : { "content-type": "application/json" };
    const res = await app.inject({ method, url: V1 + url, payload, headers });
    return { status: res.statusCode, body: res.json() };
  };
  /** A 4xx whose message names `field`. */
  const refused = async (body: unknown, field: RegExp, name = "prod") => {
    const res = await send("PUT", `/deployments/${name}/monitor`, body);
    assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(typeof res.body.error_code, "string");
    assert.match(res.body.message, field, JSON.stringify(body));
    return res;
  };

  before(async () => {
    w = await telcoWorld();
    version = await registerTelco(w, "churn");
    await w.platform.registry.setAlias({ name: "churn", alias: "champion", version });
    await w.platform.deployments.create({ name: "prod", primary: "churn@champion" });
    app = await buildApp({ ...w.platform, auth: AUTH_OFF, version: "test" });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await w.close();
  });

  test("bad settings get a 4xx naming the field, and store nothing", async () => {
    await refused({ interval_ms: 10 }, /'interval_ms'/);
    await refused({ window_ms: 60_000, window_rows: 100 }, /window_ms.*window_rows/);
    await refused({ window_rows: 0 }, /'window_rows'/);
    await refused({ min_labels: 1 }, /'min_labels'/);
    await refused({ auc_margin: 2 }, /'auc_margin'/);
    await refused({ drift_share: 0 }, /'drift_share'/);
    await refused({ interval_ms: "soon" }, /interval_ms/);
    await refused({ alerts: { rule: "dataset_drift" } }, /'alerts'/);
    await refused({ alerts: [{ rule: "drift" }] }, /'alerts\[0\]\.rule'/);
    await refused({ alerts: [{ rule: "feature_drift" }] }, /'alerts\[0\]\.feature'/);
    await refused({ alerts: [{ rule: "feature_drift", feature: "tenur" }] }, /'alerts\[0\]\.feature'.*'tenur'.*tenure/);
    await refused({ alerts: [{ rule: "error_rate" }] }, /'alerts\[0\]\.max'/);
    await refused({ alerts: [{ rule: "error_rate", max: 1.5 }] }, /'alerts\[0\]\.max'/);
    await refused({ alerts: [{ rule: "dataset_drift", max: 0.1 }] }, /'alerts\[0\]\.max'/);
    await refused({ alerts: [{ rule: "dataset_drift", pipeline: "no spaces" }] }, /'alerts\[0\]\.pipeline'/);
    await refused({ alerts: [{ rule: "dataset_drift" }, { rule: "dataset_drift" }] }, /'alerts\[1\]' repeats/);
    await refused({ alerts: [{ rule: "dataset_drift", when: "now" }] }, /'alerts\[0\]\.when'/);
    await refused({ notify: [{ type: "email" }] }, /'notify\[0\]\.type'/);
    await refused({ notify: [{ type: "webhook" }] }, /'notify\[0\]\.url'/);
    await refused({ notify: [{ type: "webhook", url: "ftp://x" }] }, /'notify\[0\]\.url'/);
    await refused({ notify: [{ type: "slack", url: "http://x", secret: "s" }] }, /'notify\[0\]\.secret'/);
    await refused({ notify: [{ type: "webhook", url: "http://x", secret: "" }] }, /'notify\[0\]\.secret'/);
    const notJson = await send("PUT", "/deployments/prod/monitor", "{interval_ms: 5");
    assert.ok(notJson.status >= 400 && notJson.status < 500, String(notJson.status));
    const unknown = await send("PUT", "/deployments/nope/monitor", {});
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.message, /nope/);
    const none = await send("GET", "/deployments/prod/monitor");
    assert.equal(none.status, 404);
    assert.match(none.body.message, /no monitor/);
    assert.equal((await send("POST", "/deployments/prod/monitor/run")).status, 404);
    assert.equal((await send("GET", "/alerts?status=sometimes")).status, 400);
    assert.equal((await send("GET", "/alerts?limit=0")).status, 400);
  });

  test("PUT sets the monitor with defaults filled in; secrets are never returned", async () => {
    const res = await send("PUT", "/deployments/prod/monitor", {
      window_rows: 500,
      alerts: [
        { rule: "feature_drift", feature: "tenure", pipeline: "retrain" },
        { rule: "error_rate", max: 0.02 },
      ],
      notify: [{ type: "webhook", url: "http://127.0.0.1:9/hook", secret: "s3cret" }, { type: "log" }],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const m: MonitorConfigInfo = res.body.monitor;
    assert.deepEqual(
      { ...m, created_time: 0, updated_time: 0 },
      {
        deployment: "prod",
        interval_ms: 300_000,
        window_rows: 500,
        min_labels: 100,
        auc_margin: 0.05,
        log_loss_margin: 0.1,
        rmse_margin: 0.2,
        accuracy_margin: 0.05,
        drift_share: 0.5,
        alerts: [
          { rule: "feature_drift", feature: "tenure", pipeline: "retrain" },
          { rule: "error_rate", max: 0.02 },
        ],
        notify: [{ type: "webhook", url: "http://127.0.0.1:9/hook", secret_set: true }, { type: "log" }],
        created_time: 0,
        updated_time: 0,
      },
    );
    assert.ok(!JSON.stringify(res.body).includes("s3cret"));
  });

  test("POST run measures the window; GET monitor shows the status; results and alerts are listed", async () => {
    await send("PUT", "/deployments/prod/monitor", { alerts: [{ rule: "feature_drift", feature: "tenure" }] });
    const rows = Array.from({ length: 300 }, (_, k) => k * 11);
    const shifted = records(w, rows, (r) => {
      r.tenure = Number(r.tenure) + 40;
    });
    const id = await logRequest(w, "prod", { name: "churn", version }, shifted, Date.now() - 1000);
    await sendOutcomes(w, "prod", id, rows, Date.now());
    const run = await send("POST", "/deployments/prod/monitor/run");
    assert.equal(run.status, 200, JSON.stringify(run.body));
    const [r] = run.body.results;
    assert.deepEqual([r.model, r.version, r.rows, r.labelled_rows], ["churn", version, 300, 300]);
    assert.equal(r.features.find((f: { column: string }) => f.column === "tenure").drifted, true);
    assert.equal(r.drifted_features, 1);
    assert.equal(typeof r.realized_auc, "number");
    assert.deepEqual(
      run.body.alerts.map((c: { change: string; alert: { rule: string } }) => [c.change, c.alert.rule]),
      [["fired", "feature_drift:tenure"]],
    );
    const monitors = await send("GET", "/monitors");
    assert.deepEqual(
      monitors.body.monitors.map((x: { deployment: string }) => x.deployment),
      ["prod"],
    );
    const status = await send("GET", "/deployments/prod/monitor");
    assert.equal(status.status, 200);
    const s: MonitorStatusInfo = status.body;
    assert.equal(s.monitor.window_ms, 3_600_000);
    assert.equal(typeof s.monitor.last_run_time, "number");
    assert.deepEqual(
      s.latest.map((x) => x.id),
      [r.id],
    );
    assert.deepEqual(
      s.alerts.map((a) => [a.rule, a.status]),
      [["feature_drift:tenure", "firing"]],
    );
    await send("POST", "/deployments/prod/monitor/run");
    const results = await send("GET", `/deployments/prod/monitor/results?limit=1&model=churn&version=${version}`);
    assert.equal(results.body.results.length, 1);
    assert.notEqual(results.body.results[0].id, r.id);
    const listed = (await send("GET", "/deployments/prod/monitor/results")).body.results;
    assert.equal(listed.length, 2);
    assert.ok(
      listed.every((x: { features: { histogram?: unknown }[] }) => x.features.every((f) => f.histogram === undefined)),
      "no histograms unless asked for",
    );
    const plotted = (await send("GET", "/deployments/prod/monitor/results?limit=1&histograms=true")).body.results[0];
    const tenure = plotted.features.find((f: { column: string }) => f.column === "tenure").histogram;
    assert.equal(tenure.edges.length, tenure.reference.length + 1);
    assert.equal(
      tenure.current.reduce((a: number, b: number) => a + b, 0),
      300,
      "the window's 300 rows are counted",
    );
    const contract = plotted.features.find((f: { column: string }) => f.column === "Contract").histogram;
    assert.ok(contract.labels.includes("Month-to-month"));
    assert.equal((await send("GET", "/deployments/prod/monitor/results?histograms=maybe")).status, 400);
    // Paging: a full page carries the token of the next; the last page none.
    const first = (await send("GET", "/deployments/prod/monitor/results?limit=1")).body;
    assert.equal(typeof first.next_page_token, "string");
    const second = (await send("GET", `/deployments/prod/monitor/results?limit=1&page_token=${first.next_page_token}`))
      .body;
    assert.deepEqual(
      [first.results[0].id, second.results[0].id],
      listed.map((x: { id: string }) => x.id),
    );
    const end = (await send("GET", `/deployments/prod/monitor/results?limit=5&page_token=${second.next_page_token}`))
      .body;
    assert.deepEqual([end.results, end.next_page_token], [[], undefined]);
    const badToken = await send("GET", "/deployments/prod/monitor/results?page_token=nonsense");
    assert.equal(badToken.status, 400);
    assert.match(badToken.body.message, /'page_token'/);
    const alerts = await send("GET", "/alerts?deployment=prod");
    assert.equal(alerts.body.alerts.length, 1, "still one firing alert after a second run");
    assert.equal((await send("GET", "/alerts?status=resolved")).body.alerts.length, 0);
    assert.equal((await send("GET", "/alerts?deployment=other&status=all")).body.alerts.length, 0);
  });

  test("DELETE stops monitoring; the results stay", async () => {
    assert.equal((await send("DELETE", "/deployments/prod/monitor")).status, 200);
    assert.equal((await send("GET", "/deployments/prod/monitor")).status, 404);
    assert.equal((await send("DELETE", "/deployments/prod/monitor")).status, 404);
    assert.equal((await w.platform.monitoring.results({ deployment: "prod" })).length, 2);
  });

  test("where the process knows its pipelines, a rule may name only one whose alert trigger accepts it", async () => {
    const problems: string[] = [];
    const monitoring = w.platform.monitoring.withServing({
      registry: new Registry(),
      // As `up --pipeline` answers: 'retrain' has an alert trigger, 'ci' only a git trigger.
      pipelineProblem: (pipeline, deployment, rule) => {
        problems.push(`${pipeline} ${deployment} ${rule}`);
        return pipeline === "retrain" ? undefined : "it has no alert trigger for dataset_drift on prod";
      },
    });
    const guarded = await buildApp({ ...w.platform, auth: AUTH_OFF, monitoring, version: "test" });
    try {
      const put = (pipeline: string) =>
        guarded.inject({
          method: "PUT",
          url: `${V1}/deployments/prod/monitor`,
          payload: {
            alerts: [
              { rule: "error_rate", max: 0.5 },
              { rule: "dataset_drift", pipeline },
            ],
          },
        });
      const refusedRes = await put("ci");
      assert.equal(refusedRes.statusCode, 400, refusedRes.body);
      assert.match(
        refusedRes.json().message,
        /'alerts\[1\]\.pipeline': rule dataset_drift names pipeline 'ci': it has no alert trigger/,
      );
      assert.equal((await put("retrain")).statusCode, 200);
      assert.deepEqual(problems, ["ci prod dataset_drift", "retrain prod dataset_drift"]);
    } finally {
      await guarded.close();
    }
  });
});
