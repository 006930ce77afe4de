/** Wire rules of reference §0 and the run search grammar of §2, through `app.inject()`. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Experiment, Metric, Run } from "../../src/core/api/mlflow-entities.js";
import { expectError, expectOk, Wire } from "./support/client.js";
import type { Harness } from "./support/harness.js";
import { startHarness } from "./support/harness.js";
import * as py from "./support/python-client.js";

const T0 = 1_700_000_000_000;

describe("MLflow wire rules", () => {
  let h: Harness;
  let w: Wire;
  let ajax: Wire;

  before(async () => {
    h = await startHarness();
    w = new Wire(h.send);
    ajax = new Wire(h.send, "/ajax-api/2.0");
  });
  after(() => h.close());

  test("/health answers OK and an unknown endpoint is a JSON 404", async () => {
    const health = await h.send({ method: "GET", url: "/health" });
    assert.equal(health.status, 200);
    assert.equal(health.text, "OK");
    expectError(await w.get("/mlflow/no-such-thing"), 404, "ENDPOINT_NOT_FOUND");
    expectError(await w.post("/mlflow/runs/no-such-thing", {}), 404, "ENDPOINT_NOT_FOUND");
    expectError(await h.send({ method: "GET", url: "/api/2.0/nope?x=1" }), 404, "ENDPOINT_NOT_FOUND");
  });

  test("get-by-name of a missing experiment is 404 RESOURCE_DOES_NOT_EXIST", async () => {
    const res = await w.get("/mlflow/experiments/get-by-name", { experiment_name: "missing" });
    expectError(res, 404, "RESOURCE_DOES_NOT_EXIST");
  });

  test("/ajax-api/2.0 mirrors /api/2.0", async () => {
    const { experiment_id } = await ajax.ok<{ experiment_id: string }>("POST", "/mlflow/experiments/create", {
      name: "ajax",
    });
    const viaApi = await w.ok("GET", "/mlflow/experiments/get", { experiment_id });
    const viaAjax = await ajax.ok("GET", "/mlflow/experiments/get", { experiment_id });
    assert.deepEqual(viaAjax, viaApi);
    const run = await py.startRun(ajax, experiment_id, "r", T0);
    await py.logMetric(ajax, run.info.run_id, "m", 1, T0);
    const a = await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_id: run.info.run_id });
    assert.deepEqual(await ajax.ok("GET", "/mlflow/runs/get", { run_id: run.info.run_id }), a);
    const search = { experiment_ids: [experiment_id] };
    assert.deepEqual(
      await ajax.ok("POST", "/mlflow/runs/search", search),
      await w.ok("POST", "/mlflow/runs/search", search),
    );
  });

  test("request tolerance: charset, double-encoded JSON, empty body, run_uuid alone, unknown fields", async () => {
    const send = (body: string, type = "application/json") =>
      h.send({ method: "POST", url: "/api/2.0/mlflow/experiments/create", headers: { "content-type": type }, body });
    expectOk(await send(JSON.stringify({ name: "charset" }), "application/json; charset=utf-8"));
    expectOk(await send(JSON.stringify(JSON.stringify({ name: "twice" }))));
    const empty = await h.send({ method: "POST", url: "/api/2.0/mlflow/experiments/search" });
    assert.ok(Array.isArray((expectOk(empty) as { experiments?: unknown }).experiments));
    const run = await py.startRun(w, "0", "uuid-only", T0);
    const id = run.info.run_id;
    expectOk(await w.post("/mlflow/runs/log-metric", { run_uuid: id, key: "k", value: 1, timestamp: T0, extra: [1] }));
    const { metrics } = await w.ok<{ metrics: Metric[] }>("GET", "/mlflow/metrics/get-history", {
      run_uuid: id,
      metric_key: "k",
    });
    assert.deepEqual(metrics, [{ key: "k", value: 1, timestamp: T0, step: 0 }]);
  });

  test('non-finite metrics: "NaN" and "±Infinity" come back as strings', async () => {
    const run = await py.startRun(w, "0", "nan", T0);
    const id = run.info.run_id;
    await py.logMetric(w, id, "nan", "NaN", T0);
    await py.logMetric(w, id, "inf", "Infinity", T0);
    await py.logBatch(w, id, { metrics: [{ key: "ninf", value: "-Infinity", timestamp: T0 }] });
    const history = await w.ok<{ metrics: Metric[] }>("GET", "/mlflow/metrics/get-history", {
      run_id: id,
      metric_key: "nan",
    });
    assert.deepEqual(history.metrics, [{ key: "nan", value: "NaN", timestamp: T0, step: 0 }]);
    const { run: got } = await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_id: id });
    const values = Object.fromEntries((got.data.metrics ?? []).map((m) => [m.key, m.value]));
    assert.deepEqual(values, { nan: "NaN", inf: "Infinity", ninf: "-Infinity" });
  });

  describe("runs/search with the §2 filter grammar", () => {
    let exp: Experiment;
    const ids: Record<string, string> = {};

    before(async () => {
      exp = await py.setExperiment(w, "grammar");
      const runs: [string, string, object, string][] = [
        ["sweep-1", "FINISHED", { model: "LogisticRegression", lambda: "0.001" }, "training"],
        ["sweep-2", "FAILED", { model: "LogisticRegression", lambda: "0.01" }, "eval"],
        ["baseline", "FAILED", { model: "SVC" }, "training"],
        ["sweep-3", "RUNNING", {}, ""],
      ];
      const metrics: Record<string, Record<string, number>> = {
        "sweep-1": { accuracy: 0.95, error: 0.04, "my-metric": 2 },
        "sweep-2": { accuracy: 0.9, error: 0.03 },
        baseline: { accuracy: 0.93 },
      };
      for (const [i, [name, status, params, context]] of runs.entries()) {
        const run = await py.startRun(w, exp.experiment_id, name, T0 + i);
        const id = run.info.run_id;
        ids[name] = id;
        await py.logBatch(w, id, {
          params: Object.entries(params).map(([key, value]) => ({ key, value })),
          metrics: Object.entries(metrics[name] ?? {}).map(([key, value]) => ({ key, value, timestamp: T0 })),
        });
        if (context) {
          const dataset = { name: "iris", digest: "d1", source_type: "local", source: "{}" };
          const tags = [{ key: "mlflow.data.context", value: context }];
          expectOk(await w.post("/mlflow/runs/log-inputs", { run_id: id, datasets: [{ tags, dataset }] }));
        }
        if (status !== "RUNNING") await py.endRun(w, id, T0 + 100, status);
      }
      await py.setTag(w, ids.baseline as string, "mlflow.parentRunId", ids["sweep-1"] as string);
      await py.setTag(w, ids["sweep-3"] as string, "user name", "bob");
    });

    const cases: [string, (ids: Record<string, string>) => string, string[]][] = [
      ["numeric metric", () => "metrics.accuracy > 0.92", ["sweep-1", "baseline"]],
      [
        "params and metrics joined by and",
        () => `params.model = "LogisticRegression" and params.lambda = "0.001" and metrics.error <= 0.05`,
        ["sweep-1"],
      ],
      ["status attribute", () => `attributes.status = "FAILED"`, ["sweep-2", "baseline"]],
      ["dotted tag key", (i) => `tags.mlflow.parentRunId = '${i["sweep-1"]}'`, ["baseline"]],
      ["run_id IN", (i) => `attributes.run_id IN ('${i["sweep-1"]}', '${i["sweep-3"]}')`, ["sweep-1", "sweep-3"]],
      ["LIKE and dataset context", () => "run_name LIKE 'sweep-%' and datasets.context = 'training'", ["sweep-1"]],
      ["quoted metric key", () => 'metrics."my-metric" > 1', ["sweep-1"]],
      ["backquoted tag key", () => "tags.`user name` = 'bob'", ["sweep-3"]],
      ["!= skips runs without the key", () => "params.lambda != '0.001'", ["sweep-2"]],
      ["ILIKE", () => "attributes.run_name ILIKE 'SWEEP-%'", ["sweep-1", "sweep-2", "sweep-3"]],
      ["created alias", () => `attributes.created >= ${T0 + 2}`, ["baseline", "sweep-3"]],
    ];
    for (const [label, filter, want] of cases) {
      test(label, async () => {
        const body = { experiment_ids: [exp.experiment_id], filter: filter(ids), run_view_type: "ACTIVE_ONLY" };
        const res = await w.ok<{ runs?: Run[]; next_page_token?: string }>("POST", "/mlflow/runs/search", body);
        const names = (res.runs ?? []).map((r) => r.info.run_name).sort();
        assert.deepEqual(names, [...want].sort(), body.filter);
        assert.equal(res.next_page_token, undefined);
      });
    }
  });
});
