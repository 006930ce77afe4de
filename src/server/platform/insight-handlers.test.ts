/** The UI's read routes through the real app: metric history, pipeline runs and live traffic, with bad input. */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../core/config.js";
import type { PipelineSpec, StepSpec } from "../../pipelines/pipeline-spec.js";
import type { PipelineRun } from "../../pipelines/run-store.js";
import { ServingMetrics } from "../../serving/metrics/serving-metrics.js";
import { TrafficWindows } from "../../serving/metrics/traffic-windows.js";
import { registerLoadableVersions } from "../../serving/test-support/loadable-versions.js";
import { buildApp } from "../app.js";
import { AUTH_OFF } from "../auth/auth-gate.js";
import type { Platform } from "../open-platform.js";
import { openPlatform } from "../open-platform.js";

const V1 = "/api/modelworks/v1";

function stepSpec(name: string, type: StepSpec["type"], needs: string[], cache: boolean): StepSpec {
  return {
    name,
    type,
    needs,
    with: {},
    inputs: [],
    outputs: [],
    retries: { limit: 0, backoffMs: 0, factor: 1, maxBackoffMs: 0 },
    timeoutMs: 60_000,
    cache,
  };
}

describe("platform API: metric history, pipeline runs, traffic", () => {
  let root: string;
  let platform: Platform;
  let app: FastifyInstance;
  let serverApp: FastifyInstance;
  let runId: string;
  let baseRun: (id: string, createdTime: number, pipeline?: string) => PipelineRun;
  let now = 1_700_000_000_000;
  const metrics = new ServingMetrics();
  const traffic = new TrafficWindows(metrics, () => ["prod"], { now: () => now });

  const get = async (url: string, on = app) => {
    const res = await on.inject({ method: "GET", url: V1 + url });
    return { status: res.statusCode, body: res.json() };
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "mw-insight-http-"));
    platform = await openPlatform(resolveConfig({ home: join(root, "home") }, {}, root));
    const exp = await platform.tracking.createExperiment({ name: "e" });
    runId = (await platform.tracking.createRun({ experimentId: exp })).info.run_id;
    const metricsIn = Array.from({ length: 3000 }, (_, s) => ({
      key: "loss",
      value: s === 1234 ? 9 : 1,
      timestamp: s,
      step: s,
    }));
    for (let i = 0; i < metricsIn.length; i += 1000)
      await platform.tracking.logBatch(runId, { metrics: metricsIn.slice(i, i + 1000) });

    const spec: PipelineSpec = {
      name: "retrain",
      params: { lr: 0.1 },
      concurrency: "queue",
      triggers: [],
      steps: [stepSpec("ingest", "ingest", [], true), stepSpec("train", "train", ["ingest"], false)],
    };
    baseRun = (id: string, createdTime: number, pipeline = "retrain") => ({
      id,
      pipeline,
      spec: { ...spec, name: pipeline },
      params: { lr: 0.1 },
      status: "succeeded" as const,
      trigger: "manual",
      createdTime,
      startTime: createdTime + 1,
      endTime: createdTime + 100,
    });
    const run = baseRun;
    await platform.pipelineRuns.create(run("r1", 1000), [
      {
        runId: "r1",
        step: "ingest",
        status: "succeeded",
        attempts: 1,
        startTime: 1001,
        endTime: 1051,
        log: "read 10 rows\n",
      },
      {
        runId: "r1",
        step: "train",
        status: "succeeded",
        attempts: 1,
        startTime: 1051,
        endTime: 1099,
        log: "auc 0.8\n",
      },
    ]);
    await platform.pipelineRuns.create(run("r2", 2000), [
      { runId: "r2", step: "ingest", status: "cached", attempts: 0, log: "" },
      { runId: "r2", step: "train", status: "failed", attempts: 2, error: "boom", log: "" },
    ]);
    await platform.pipelineRuns.create(run("o1", 3000, "other"), []);

    // Deployments and rollouts load the models they name: these versions load.
    await registerLoadableVersions(platform, "churn", 2);
    await platform.registry.setAlias({ name: "churn", alias: "champion", version: 1 });
    await platform.deployments.create({
      name: "prod",
      primary: "churn@champion",
      candidate: "churn/2",
      candidateWeight: 25,
    });
    await platform.deployments.create({ name: "calm", primary: "churn/1" });

    app = await buildApp({ ...platform, auth: AUTH_OFF, traffic, version: "test" });
    serverApp = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
  });
  after(async () => {
    await app.close();
    await serverApp.close();
    await platform.close();
    await rm(root, { recursive: true, force: true });
  });

  test("metric history is downsampled with the spike kept; every point when few", async () => {
    const r = await get(`/runs/${runId}/metric-history?key=loss&max_points=100`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.run_id, runId);
    assert.equal(r.body.key, "loss");
    assert.equal(r.body.total_points, 3000);
    assert.equal(r.body.downsampled, true);
    assert.equal(r.body.points.length, 100);
    assert.equal(Math.max(...r.body.points.map((p: { max: number }) => p.max)), 9);
    assert.deepEqual(Object.keys(r.body.points[0]).sort(), ["max", "min", "step", "timestamp", "value"]);
    const byDefault = await get(`/runs/${runId}/metric-history?key=loss`);
    assert.deepEqual([byDefault.body.downsampled, byDefault.body.points.length], [true, 1000]);
    const all = await get(`/runs/${runId}/metric-history?key=loss&max_points=5000`);
    assert.deepEqual([all.body.downsampled, all.body.points.length], [false, 3000]);
  });

  test("metric history: bad max_points and missing key are 400 naming the field; unknown run 404", async () => {
    for (const bad of ["1", "10001", "abc"]) {
      const r = await get(`/runs/${runId}/metric-history?key=loss&max_points=${bad}`);
      assert.equal(r.status, 400, bad);
      assert.match(r.body.message, /max_points/);
    }
    const noKey = await get(`/runs/${runId}/metric-history`);
    assert.equal(noKey.status, 400);
    assert.match(noKey.body.message, /key/);
    const unknown = await get(`/runs/${"0".repeat(32)}/metric-history?key=loss`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error_code, "RESOURCE_DOES_NOT_EXIST");
  });

  test("pipeline runs: newest first, filtered by pipeline, bounded", async () => {
    const r = await get("/pipelines/runs");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      r.body.runs.map((x: { run_id: string }) => x.run_id),
      ["o1", "r2", "r1"],
    );
    assert.deepEqual(r.body.runs[2], {
      run_id: "r1",
      pipeline: "retrain",
      status: "succeeded",
      trigger: "manual",
      created_time: 1000,
      start_time: 1001,
      end_time: 1100,
      params: { lr: 0.1 },
    });
    const only = await get("/pipelines/runs?pipeline=retrain&max_results=1");
    assert.deepEqual(
      only.body.runs.map((x: { run_id: string }) => x.run_id),
      ["r2"],
    );
    for (const bad of ["0", "1001"]) {
      const b = await get(`/pipelines/runs?max_results=${bad}`);
      assert.equal(b.status, 400);
      assert.match(b.body.message, /max_results/);
    }
  });

  test("a pipeline run's steps carry type, needs, cache and duration; logs by step; 404s", async () => {
    const r1 = await get("/pipelines/runs/r1");
    assert.equal(r1.status, 200, JSON.stringify(r1.body));
    assert.equal(r1.body.run.run_id, "r1");
    assert.deepEqual(r1.body.steps, [
      {
        step: "ingest",
        type: "ingest",
        needs: [],
        status: "succeeded",
        cache: "miss",
        attempts: 1,
        start_time: 1001,
        end_time: 1051,
        duration_ms: 50,
      },
      {
        step: "train",
        type: "train",
        needs: ["ingest"],
        status: "succeeded",
        cache: "off",
        attempts: 1,
        start_time: 1051,
        end_time: 1099,
        duration_ms: 48,
      },
    ]);
    const r2 = await get("/pipelines/runs/r2");
    assert.deepEqual(
      r2.body.steps.map((s: { cache: string; status: string; error?: string }) => [s.status, s.cache, s.error]),
      [
        ["cached", "hit", undefined],
        ["failed", "off", "boom"],
      ],
    );
    const log = await get("/pipelines/runs/r1/steps/train/log");
    assert.deepEqual(log.body, { run_id: "r1", step: "train", log: "auc 0.8\n" });
    assert.equal((await get("/pipelines/runs/nope")).status, 404);
    assert.equal((await get("/pipelines/runs/nope/steps/train/log")).status, 404);
    assert.equal((await get("/pipelines/runs/r1/steps/nope/log")).status, 404);
  });

  test("cancel: a queued run is cancelled at once; a running one is flagged for its process; ended runs are 400", async () => {
    const queued = { ...baseRun("q1", 4000), status: "queued" as const };
    await platform.pipelineRuns.create(queued, [
      { runId: "q1", step: "ingest", status: "pending", attempts: 0, log: "" },
    ]);
    const post = (path: string) =>
      app
        .inject({ method: "POST", url: `/api/modelworks/v1${path}` })
        .then((r) => ({ status: r.statusCode, body: r.json() }));
    const q = await post("/pipelines/runs/q1/cancel");
    assert.equal(q.status, 200, JSON.stringify(q.body));
    assert.equal(q.body.run.status, "cancelled");
    // Running, and its process holds the lease: only flagged (that process aborts it).
    await platform.pipelineRuns.create({ ...baseRun("run1", 5000), status: "running" }, []);
    await platform.leases.claim("pipeline-run/retrain", "elsewhere", Date.now() + 60_000, Date.now());
    await platform.pipelineRuns.update("run1", { leaseHolder: "elsewhere" });
    const r = await post("/pipelines/runs/run1/cancel");
    assert.equal(r.body.run.status, "running");
    assert.equal((await platform.pipelineRuns.get("run1")).cancelRequested, true);
    await platform.leases.release("pipeline-run/retrain", "elsewhere");
    const ended = await post("/pipelines/runs/r1/cancel");
    assert.equal(ended.status, 400);
    assert.match(ended.body.message, /is succeeded; only queued or running runs can be cancelled/);
    assert.equal((await post("/pipelines/runs/nope/cancel")).status, 404);
  });

  test("traffic: per-variant rate, error rate and latency quantiles over the window", async () => {
    traffic.snapshot();
    const primary = { deployment: "prod", model: "churn", version: "1", variant: "primary" };
    const candidate = { deployment: "prod", model: "churn", version: "2", variant: "candidate" };
    for (let i = 0; i < 90; i++) metrics.observeRequest(primary, "mlflow", 200, 0.002);
    for (let i = 0; i < 10; i++) metrics.observeRequest(primary, "mlflow", i < 5 ? 400 : 503, 0.002);
    now += 10_000;
    traffic.snapshot();
    for (let i = 0; i < 20; i++) metrics.observeRequest(candidate, "v2", 200, 0.02);
    now += 10_000;
    const r = await get("/deployments/prod/traffic?window=10s");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.available, true);
    assert.equal(r.body.window_seconds, 10);
    const [p, c] = r.body.variants;
    // The window starts at the snapshot 10 s ago: the primary's 100 requests came before it.
    assert.deepEqual(
      [p.variant, p.model, p.version, p.weight, p.requests, p.p99_ms],
      ["primary", "churn", "1", 75, 0, null],
    );
    assert.deepEqual([c.variant, c.version, c.weight, c.requests, c.error_rate], ["candidate", "2", 25, 20, 0]);
    assert.ok(Math.abs(c.requests_per_second - 2) < 1e-9);
    assert.ok(c.p50_ms > 10 && c.p50_ms <= 25, String(c.p50_ms));
    const wide = await get("/deployments/prod/traffic?window=1h");
    const wp = wide.body.variants[0];
    assert.equal(wp.requests, 100);
    assert.equal(wp.error_rate, 0.1);
    assert.ok(wp.p99_ms > 1 && wp.p99_ms <= 2.5, String(wp.p99_ms));
  });

  test("traffic without serving is unavailable with the record's variants; bad window 400; unknown 404", async () => {
    const r = await get("/deployments/prod/traffic", serverApp);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.available, false);
    assert.equal(r.body.window_seconds, 60);
    assert.deepEqual(r.body.variants[1], {
      variant: "candidate",
      model: "churn",
      version: "2",
      weight: 25,
      requests: 0,
      requests_per_second: 0,
      error_rate: 0,
      p50_ms: null,
      p99_ms: null,
    });
    const calm = await get("/deployments/calm/traffic");
    assert.equal(calm.body.available, false, "served by nobody here");
    assert.deepEqual(
      calm.body.variants.map((v: { variant: string; weight: number }) => [v.variant, v.weight]),
      [["primary", 100]],
    );
    for (const bad of ["2s", "2h", "soon"]) {
      const b = await get(`/deployments/prod/traffic?window=${bad}`);
      assert.equal(b.status, 400, bad);
      assert.match(b.body.message, /window/);
    }
    assert.equal((await get("/deployments/nope/traffic")).status, 404);
  });
});
