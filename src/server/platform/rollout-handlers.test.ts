/** The platform API's rollout routes through the real app: start, status, list, abort, promote, rollback, bad input. */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import type { RolloutInfo } from "../../core/api/platform-routes.js";
import { resolveConfig } from "../../core/config.js";
import { registerLoadableVersions } from "../../serving/test-support/loadable-versions.js";
import { buildApp } from "../app.js";
import { AUTH_OFF } from "../auth/auth-gate.js";
import type { Platform } from "../open-platform.js";
import { openPlatform } from "../open-platform.js";

const V1 = "/api/modelworks/v1";

describe("platform API: rollouts", () => {
  let root: string;
  let platform: Platform;
  let app: FastifyInstance;

  const send = async (method: "GET" | "POST", url: string, body?: unknown) => {
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const headers = payload === undefined ? {} : { "content-type": "application/json" };
    const res = await app.inject({ method, url: V1 + url, payload, headers });
    return { status: res.statusCode, body: res.json() };
  };
  const alias = (name: string) =>
    platform.registry.getModelVersionByAlias({ name: "churn", alias: name }).then(
      (v) => v.version,
      () => undefined,
    );
  /** A 4xx whose message names `field`. */
  const refused = async (body: unknown, field: RegExp, name = "prod") => {
    const res = await send("POST", `/deployments/${name}/rollouts`, body);
    assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(typeof res.body.error_code, "string");
    assert.match(res.body.message, field, JSON.stringify(body));
    return res;
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "mw-rollout-http-"));
    platform = await openPlatform(resolveConfig({ home: join(root, "home") }, {}, root));
    // Deployments and rollouts load the models they name: these versions load.
    await registerLoadableVersions(platform, "churn", 3);
    await platform.registry.setAlias({ name: "churn", alias: "champion", version: 1 });
    await platform.deployments.create({ name: "prod", primary: "churn@champion" });
    app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await platform.close();
    await rm(root, { recursive: true, force: true });
  });

  test("bad start requests get a 4xx naming the field and change nothing", async () => {
    await refused({}, /candidate/);
    await refused({ candidate: "churn/2", steps: [50, 25] }, /'steps'/);
    await refused({ candidate: "churn/2", steps: "5,25" }, /steps/);
    await refused({ candidate: "churn/2", thresholds: { latency: 2 } }, /thresholds\.latency/);
    await refused({ candidate: "churn/2", thresholds: [1] }, /'thresholds'/);
    // The field is named (see the todo test below for the wire spelling).
    await refused({ candidate: "churn/2", thresholds: { latency_ratio: "x" } }, /thresholds\.latency/);
    await refused({ candidate: "churn/2", webhooks: [{ type: "before", url: "http://h/x" }] }, /webhooks\[0\]\.type/);
    await refused({ candidate: "churn/2", webhooks: { type: "rollout" } }, /'webhooks'/);
    await refused({ candidate: "churn/2", webhooks: [{ type: "rollout", url: "gopher://h" }] }, /webhooks\[0\]\.url/);
    await refused({ candidate: "churn/2", interval_ms: 10 }, /interval_ms/);
    await refused({ candidate: "churn/2", threshold: 0 }, /threshold/);
    await refused({ candidate: "churn/2", notify_url: "slack" }, /notify_url/);
    await refused({ candidate: "churn/2", prometheus: { url: "http://prom", checks: [{ name: "x" }] } }, /prometheus/);
    await refused({ candidate: "churn/9" }, /'candidate'.*churn\/9/);
    await refused({ candidate: "churn/1" }, /'candidate'.*already the primary/);
    const notJson = await send("POST", "/deployments/prod/rollouts", "{candidate: churn/2");
    assert.ok(notJson.status >= 400 && notJson.status < 500, String(notJson.status));
    assert.equal(typeof notJson.body.message, "string");
    const unknown = await send("POST", "/deployments/nope/rollouts", { candidate: "churn/2" });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error_code, "RESOURCE_DOES_NOT_EXIST");
    assert.match(unknown.body.message, /nope/);
    // Nothing started, and the server still answers.
    assert.deepEqual((await send("GET", "/deployments/prod/rollouts")).body, { rollouts: [] });
    assert.equal((await send("GET", "/deployments/prod/rollout")).status, 404);
    assert.equal((await platform.deployments.get("prod")).candidate, undefined);
    assert.equal((await app.inject({ method: "GET", url: "/health" })).body, "OK");
  });

  test("out-of-range thresholds and unparseable candidates name the field as the client sent it", {}, async () => {
    await refused({ candidate: "churn/2", thresholds: { latency_ratio: 0.5 } }, /'thresholds\.latency_ratio'/);
    await refused({ candidate: "churn/2", thresholds: { min_labels: 1 } }, /'thresholds\.min_labels'/);
    await refused({ candidate: "garbage" }, /'candidate'/);
  });

  test("POST .../rollouts starts one; the answer is snake_case with every default filled in", async () => {
    const res = await send("POST", "/deployments/prod/rollouts", { candidate: "churn/2" });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const r: RolloutInfo = res.body.rollout;
    assert.deepEqual(
      [r.deployment, r.candidate, r.primary, r.phase, r.step_index, r.weight, r.failed_checks, r.analyses],
      ["prod", "churn/2", "churn@champion", "initializing", -1, 0, 0, 0],
    );
    assert.equal(typeof r.id, "string");
    for (const k of ["created_time", "updated_time", "step_started_time"] as const) assert.equal(typeof r[k], "number");
    assert.equal(r.finished_time, undefined);
    assert.deepEqual(r.spec, {
      steps: [5, 25, 50, 100],
      interval_ms: 30_000,
      threshold: 2,
      shadow_first: false,
      thresholds: {
        max_error_rate_increase: r.spec.thresholds.max_error_rate_increase,
        latency_ratio: r.spec.thresholds.latency_ratio,
        latency_slack_ms: r.spec.thresholds.latency_slack_ms,
        max_score_psi: r.spec.thresholds.max_score_psi,
        min_requests: r.spec.thresholds.min_requests,
        auc_margin: 0.02,
        max_rmse_increase: 0.1,
        accuracy_margin: 0.02,
        min_labels: 100,
      },
      webhooks: [],
    });
    for (const v of Object.values(r.spec.thresholds)) assert.equal(typeof v, "number");
    const d = await platform.deployments.get("prod");
    assert.deepEqual([d.candidate, d.candidateWeight], ["churn/2", 0]);

    const again = await send("POST", "/deployments/prod/rollouts", { candidate: "churn/3" });
    assert.equal(again.status, 400);
    assert.match(again.body.message, /already has an active rollout/);
  });

  test("GET .../rollout shows it with its events; GET .../rollouts lists it", async () => {
    const res = await send("GET", "/deployments/prod/rollout");
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.rollout.phase, "initializing");
    assert.deepEqual(
      res.body.events.map((e: { type: string }) => e.type),
      ["rollout_started"],
    );
    const e = res.body.events[0];
    assert.equal(e.data.rollout_id, res.body.rollout.id);
    assert.equal(e.data.candidate, "churn/2");
    assert.equal(e.data.spec.candidate, "churn/2");
    assert.equal(typeof e.time, "number");
    const list = await send("GET", "/deployments/prod/rollouts");
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.rollouts, [res.body.rollout]);
  });

  test("POST .../rollout/abort ends it with the reason; the candidate is removed", async () => {
    const res = await send("POST", "/deployments/prod/rollout/abort", { reason: "bad dashboards" });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const r: RolloutInfo = res.body.rollout;
    assert.equal(r.phase, "rolled_back");
    assert.equal(r.weight, 0);
    assert.equal(r.reason, "aborted by request: bad dashboards");
    assert.equal(typeof r.finished_time, "number");
    assert.equal((await platform.deployments.get("prod")).candidate, undefined);
    const again = await send("POST", "/deployments/prod/rollout/abort");
    assert.equal(again.status, 400);
    assert.equal(again.body.error_code, "INVALID_STATE");
    assert.equal((await send("POST", "/deployments/prod/rollout/promote")).body.error_code, "INVALID_STATE");
    const status = await send("GET", "/deployments/prod/rollout");
    assert.deepEqual(
      status.body.events.map((e: { type: string }) => e.type),
      ["rollout_rolled_back", "rollout_started"],
    );
  });

  test("start with settings, promote, then rollback", async () => {
    const started = await send("POST", "/deployments/prod/rollouts", {
      candidate: "churn/3",
      steps: [10, 50, 100],
      interval_ms: 1000,
      threshold: 3,
      shadow_first: true,
      thresholds: { latency_ratio: 2, min_requests: 5 },
    });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const s = started.body.rollout.spec;
    assert.deepEqual([s.steps, s.interval_ms, s.threshold, s.shadow_first], [[10, 50, 100], 1000, 3, true]);
    assert.equal(s.thresholds.latency_ratio, 2);
    assert.equal(s.thresholds.min_requests, 5);
    assert.equal(s.thresholds.auc_margin, 0.02);

    const promoted = await send("POST", "/deployments/prod/rollout/promote");
    assert.equal(promoted.status, 200, JSON.stringify(promoted.body));
    const p: RolloutInfo = promoted.body.rollout;
    assert.equal(p.phase, "succeeded");
    assert.deepEqual(
      { ...p.promotion, time: 0 },
      {
        model: "churn",
        version: "3",
        alias: "champion",
        previous_version: "1",
        previous_primary: "churn@champion",
        time: 0,
      },
    );
    assert.equal(await alias("champion"), "3");
    assert.equal(await alias("previous"), "1");
    assert.equal((await platform.deployments.get("prod")).candidate, undefined);

    const back = await send("POST", "/deployments/prod/rollout/rollback");
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(back.body.rollout.phase, "rolled_back");
    assert.match(back.body.rollout.reason, /rolled back after promotion/);
    assert.equal(await alias("champion"), "1");
    assert.equal(await alias("previous"), undefined);
    assert.equal((await send("POST", "/deployments/prod/rollout/rollback")).body.error_code, "INVALID_STATE");

    const list = await send("GET", "/deployments/prod/rollouts");
    assert.deepEqual(
      list.body.rollouts.map((r: RolloutInfo) => [r.candidate, r.phase]),
      [
        ["churn/3", "rolled_back"],
        ["churn/2", "rolled_back"],
      ],
    );
    const limited = await send("GET", "/deployments/prod/rollouts?limit=1");
    assert.deepEqual(
      limited.body.rollouts.map((r: RolloutInfo) => r.candidate),
      ["churn/3"],
    );
  });

  test("routes of an unknown deployment answer 404", async () => {
    for (const [method, path] of [
      ["GET", "/deployments/nope/rollout"],
      ["POST", "/deployments/nope/rollout/abort"],
      ["POST", "/deployments/nope/rollout/promote"],
      ["POST", "/deployments/nope/rollout/rollback"],
    ] as const) {
      const res = await send(method, path);
      assert.equal(res.status, 404, `${method} ${path}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error_code, "RESOURCE_DOES_NOT_EXIST");
    }
    assert.deepEqual((await send("GET", "/deployments/nope/rollouts")).body, { rollouts: [] });
  });
});
