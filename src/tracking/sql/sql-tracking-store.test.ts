import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Clock } from "../../core/clock.js";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { testBackends } from "../../core/db/test-support/backends.js";
import { MwError } from "../../core/errors.js";
import { registryMigrations } from "../../registry/migrations.js";
import { trackingMigrations } from "../migrations.js";
import { SqlTrackingStore } from "./sql-tracking-store.js";

function code(e: unknown): string {
  return e instanceof MwError ? e.code : `not an MwError: ${String(e)}`;
}

async function rejectsWith(p: Promise<unknown>, expected: string, message?: RegExp) {
  await assert.rejects(p, (e) => {
    assert.equal(code(e), expected);
    if (message) assert.match((e as Error).message, message);
    return true;
  });
}

for (const backend of testBackends()) {
  describe(`SqlTrackingStore contract (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlTrackingStore;
    let time = 1_700_000_000_000;
    const clock: Clock = { now: () => ++time };

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, [...trackingMigrations, ...registryMigrations]);
      // Migrations are idempotent.
      assert.deepEqual(await migrate(db, [...trackingMigrations, ...registryMigrations]), []);
      store = new SqlTrackingStore(db, { defaultArtifactRoot: "mlflow-artifacts:", clock });
      await store.init();
      await store.init();
    });
    after(async () => drop());

    test("the Default experiment 0 exists", async () => {
      const e = await store.getExperiment("0");
      assert.equal(e.name, "Default");
      assert.equal(e.artifact_location, "mlflow-artifacts:/0");
      assert.equal(e.lifecycle_stage, "active");
    });

    test("experiments: create, get by name, duplicates, rename, tags, delete and restore", async () => {
      const id = await store.createExperiment({ name: "exp-a", tags: [{ key: "team", value: "churn" }] });
      assert.equal(id, "1");
      const e = await store.getExperiment(id);
      assert.deepEqual(e.tags, [{ key: "team", value: "churn" }]);
      assert.equal(e.artifact_location, "mlflow-artifacts:/1");
      assert.equal((await store.getExperimentByName("exp-a"))?.experiment_id, id);
      assert.equal(await store.getExperimentByName("nope"), undefined);
      await rejectsWith(store.createExperiment({ name: "exp-a" }), "RESOURCE_ALREADY_EXISTS");
      await rejectsWith(store.createExperiment({ name: "  " }), "INVALID_PARAMETER_VALUE");
      await rejectsWith(store.getExperiment("999"), "RESOURCE_DOES_NOT_EXIST");
      await rejectsWith(store.getExperiment("abc"), "RESOURCE_DOES_NOT_EXIST");
      await store.renameExperiment(id, "exp-a2");
      assert.equal((await store.getExperiment(id)).name, "exp-a2");
      await store.setExperimentTag(id, "team", "growth");
      assert.deepEqual((await store.getExperiment(id)).tags, [{ key: "team", value: "growth" }]);
      await store.deleteExperimentTag(id, "team");
      assert.equal((await store.getExperiment(id)).tags, undefined);
      await rejectsWith(store.deleteExperimentTag(id, "team"), "RESOURCE_DOES_NOT_EXIST");
      const run = await store.createRun({ experimentId: id });
      await store.deleteExperiment(id);
      assert.equal((await store.getExperiment(id)).lifecycle_stage, "deleted");
      assert.equal((await store.getRun(run.info.run_id)).info.lifecycle_stage, "deleted");
      await rejectsWith(store.createRun({ experimentId: id }), "INVALID_STATE");
      await store.restoreExperiment(id);
      assert.equal((await store.getRun(run.info.run_id)).info.lifecycle_stage, "active");
      const page = await store.searchExperiments({ filter: "name LIKE 'exp-%'" });
      assert.deepEqual(
        page.items.map((x) => x.name),
        ["exp-a2"],
      );
    });

    test("runs: names, tags, update, delete and restore", async () => {
      const r = await store.createRun({
        experimentId: "0",
        runName: "first",
        startTime: 5,
        tags: [{ key: "k", value: "v" }],
      });
      assert.equal(r.info.run_name, "first");
      assert.equal(r.info.status, "RUNNING");
      assert.equal(r.info.start_time, 5);
      assert.match(r.info.run_id, /^[0-9a-f]{32}$/);
      assert.equal(r.info.artifact_uri, `mlflow-artifacts:/0/${r.info.run_id}/artifacts`);
      assert.deepEqual(r.data.tags, [
        { key: "k", value: "v" },
        { key: "mlflow.runName", value: "first" },
      ]);
      const fromTag = await store.createRun({ experimentId: "0", tags: [{ key: "mlflow.runName", value: "tagged" }] });
      assert.equal(fromTag.info.run_name, "tagged");
      const random = await store.createRun({ experimentId: "0" });
      assert.match(random.info.run_name, /^[a-z]+-[a-z]+-\d+$/);
      await rejectsWith(
        store.createRun({ experimentId: "0", runName: "a", tags: [{ key: "mlflow.runName", value: "b" }] }),
        "INVALID_PARAMETER_VALUE",
      );
      const info = await store.updateRun(r.info.run_id, { status: "FINISHED", endTime: 10, runName: "renamed" });
      assert.equal(info.status, "FINISHED");
      assert.equal(info.end_time, 10);
      const again = await store.getRun(r.info.run_id);
      assert.equal(again.info.run_name, "renamed");
      assert.ok(again.data.tags?.some((t) => t.key === "mlflow.runName" && t.value === "renamed"));
      await store.deleteRun(r.info.run_id);
      await rejectsWith(
        store.logBatch(r.info.run_id, { params: [{ key: "a", value: "1" }] }),
        "INVALID_PARAMETER_VALUE",
        /active/,
      );
      await store.restoreRun(r.info.run_id);
      await rejectsWith(store.getRun("0123456789abcdef0123456789abcdef"), "RESOURCE_DOES_NOT_EXIST");
    });

    test("log-batch: params write-once, tags last-wins, metric latest by (step, timestamp, value), NaN", async () => {
      const { info } = await store.createRun({ experimentId: "0" });
      const id = info.run_id;
      await store.logBatch(id, {
        params: [{ key: "lr", value: "0.1" }],
        tags: [
          { key: "t", value: "1" },
          { key: "t", value: "2" },
        ],
        metrics: [
          { key: "loss", value: 0.9, timestamp: 100, step: 0 },
          { key: "loss", value: 0.5, timestamp: 50, step: 2 },
          { key: "loss", value: 0.7, timestamp: 300, step: 1 },
          { key: "nan", value: Number.NaN, timestamp: 1 },
          { key: "inf", value: Number.POSITIVE_INFINITY, timestamp: 1 },
        ],
      });
      await store.logBatch(id, { params: [{ key: "lr", value: "0.1" }] });
      await rejectsWith(
        store.logBatch(id, { params: [{ key: "lr", value: "0.2" }] }),
        "INVALID_PARAMETER_VALUE",
        /Changing param values/,
      );
      await store.logBatch(id, { metrics: [{ key: "loss", value: 0.4, timestamp: 10, step: 1 }] });
      const run = await store.getRun(id);
      assert.deepEqual(run.data.params, [{ key: "lr", value: "0.1" }]);
      assert.ok(run.data.tags?.some((t) => t.key === "t" && t.value === "2"));
      const byKey = Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m]));
      assert.deepEqual(byKey.loss, { key: "loss", value: 0.5, timestamp: 50, step: 2 });
      assert.equal(byKey.nan?.value, "NaN");
      assert.equal(byKey.inf?.value, "Infinity");
      const hist = await store.getMetricHistory(id, "loss", { maxResults: 10 });
      assert.deepEqual(
        hist.items.map((m) => [m.step, m.timestamp, m.value]),
        [
          [0, 100, 0.9],
          [1, 10, 0.4],
          [1, 300, 0.7],
          [2, 50, 0.5],
        ],
      );
      // A failing batch writes nothing (params conflict after metrics in the same request).
      await rejectsWith(
        store.logBatch(id, { metrics: [{ key: "x", value: 1, timestamp: 1 }], params: [{ key: "lr", value: "9" }] }),
        "INVALID_PARAMETER_VALUE",
      );
      assert.equal((await store.getMetricHistory(id, "x", { maxResults: 5 })).items.length, 0);
    });

    test("log-batch limits and key rules name the problem", async () => {
      const { info } = await store.createRun({ experimentId: "0" });
      const id = info.run_id;
      const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: "m", value: i, timestamp: i }));
      await rejectsWith(store.logBatch(id, { metrics }), "INVALID_PARAMETER_VALUE", /at most 1000 metrics/);
      const params = Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: "x" }));
      await rejectsWith(store.logBatch(id, { params }), "INVALID_PARAMETER_VALUE", /at most 100 params/);
      await rejectsWith(
        store.logBatch(id, { params: [{ key: "../x", value: "1" }] }),
        "INVALID_PARAMETER_VALUE",
        /Invalid param name/,
      );
      await rejectsWith(
        store.logBatch(id, { params: [{ key: "a$b", value: "1" }] }),
        "INVALID_PARAMETER_VALUE",
        /a\$b/,
      );
      await rejectsWith(
        store.logBatch(id, { params: [{ key: "x".repeat(251), value: "1" }] }),
        "INVALID_PARAMETER_VALUE",
        /250/,
      );
      await rejectsWith(
        store.logBatch(id, { params: [{ key: "v", value: "x".repeat(6001) }] }),
        "INVALID_PARAMETER_VALUE",
        /6000/,
      );
      await rejectsWith(
        store.logBatch(id, {
          params: [
            { key: "d", value: "1" },
            { key: "d", value: "1" },
          ],
        }),
        "INVALID_PARAMETER_VALUE",
        /Duplicate/,
      );
      await rejectsWith(
        store.logBatch(id, { metrics: [{ key: "m", value: 1, timestamp: -1 }] }),
        "INVALID_PARAMETER_VALUE",
        /negative/,
      );
    });

    test("metric history pages by keyset without losing or repeating points", async () => {
      const { info } = await store.createRun({ experimentId: "0" });
      const metrics = [];
      // Duplicated (step, timestamp) positions straddle page boundaries.
      for (let i = 0; i < 250; i++)
        metrics.push({ key: "h", value: i, timestamp: 1000 + Math.floor(i / 7), step: Math.floor(i / 3) });
      // Non-finite values, and an exact duplicate that is logged once (MLflow's primary key).
      metrics.push({ key: "h", value: Number.POSITIVE_INFINITY, timestamp: 5, step: 1 });
      metrics.push({ key: "h", value: Number.NaN, timestamp: 5, step: 1 });
      metrics.push({ key: "h", value: 3, timestamp: 1000, step: 1 });
      await store.logBatch(info.run_id, { metrics });
      const seen: number[] = [];
      let token: string | undefined;
      let pages = 0;
      let extra = 0;
      do {
        const page = await store.getMetricHistory(info.run_id, "h", { maxResults: 4, pageToken: token });
        seen.push(...page.items.map((m) => m.value as number).filter((v) => typeof v === "number"));
        extra += page.items.filter((m) => typeof m.value === "string").length;
        token = page.nextPageToken;
        pages++;
      } while (token);
      assert.equal(pages, 63);
      assert.equal(extra, 2);
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        Array.from({ length: 250 }, (_, i) => i),
      );
      await rejectsWith(
        store.getMetricHistory(info.run_id, "h", { maxResults: 4, pageToken: "garbage" }),
        "INVALID_PARAMETER_VALUE",
      );
      const bulk = await store.getMetricHistoryBulkInterval({ runIds: [info.run_id], key: "h", maxResults: 5 });
      const steps = [...new Set(bulk.map((m) => m.step))];
      assert.equal(steps.length, 5);
      assert.equal(steps[0], 0);
      assert.equal(steps[4], 83);
      assert.ok(bulk.every((m) => m.run_id === info.run_id));
    });

    test("history logged out of order, overlapping and duplicated reads back sorted and whole", async () => {
      const { info } = await store.createRun({ experimentId: "0" });
      const id = info.run_id;
      const expected = new Map<string, [number, number, number]>();
      const log = async (steps: number[], value: (s: number) => number) => {
        const metrics = steps.map((s) => ({ key: "o", value: value(s), timestamp: 1000 + s, step: s }));
        for (const m of metrics) expected.set(`${m.step}/${m.timestamp}/${m.value}`, [m.step, m.timestamp, m.value]);
        for (let i = 0; i < metrics.length; i += 1000)
          await store.logBatch(id, { metrics: metrics.slice(i, i + 1000) });
      };
      const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
      await log(range(1000, 2500), (s) => s); // spans several chunks
      await log(range(0, 500), (s) => s); // before everything
      await log(range(400, 1100), (s) => s); // overlaps both, duplicates included
      await log([1500, 1500, 3000], (s) => -s); // new values inside, and after
      await log([700], (s) => s); // an exact duplicate only
      const want = [...expected.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
      const got: [number, number, number][] = [];
      let token: string | undefined;
      do {
        const page = await store.getMetricHistory(id, "o", { maxResults: 333, pageToken: token });
        for (const m of page.items) got.push([m.step, m.timestamp, m.value as number]);
        token = page.nextPageToken;
      } while (token);
      assert.equal(got.length, want.length);
      assert.deepEqual(got, want);
      const latest = (await store.getRun(id)).data.metrics?.find((m) => m.key === "o");
      assert.deepEqual(latest, { key: "o", value: -3000, timestamp: 4000, step: 3000 });
      const sampled = await store.getMetricHistoryBulkInterval({
        runIds: [id],
        key: "o",
        startStep: 100,
        endStep: 200,
        maxResults: 11,
      });
      assert.deepEqual(
        sampled.map((m) => m.step),
        [100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200],
      );
    });

    test("inputs, log-model and dataset summaries", async () => {
      const { info } = await store.createRun({ experimentId: "0" });
      const dataset = { name: "telco", digest: "abc123", source_type: "local", source: "file:///d.csv", schema: "{}" };
      await store.logInputs(info.run_id, [{ dataset, tags: [{ key: "mlflow.data.context", value: "training" }] }]);
      await store.logInputs(info.run_id, [{ dataset }]);
      const run = await store.getRun(info.run_id);
      assert.equal(run.inputs.dataset_inputs?.length, 1);
      assert.deepEqual(run.inputs.dataset_inputs?.[0]?.dataset, dataset);
      assert.deepEqual(run.inputs.dataset_inputs?.[0]?.tags, [{ key: "mlflow.data.context", value: "training" }]);
      const sums = await store.searchDatasets(["0"]);
      assert.ok(sums.some((s) => s.name === "telco" && s.digest === "abc123" && s.context === "training"));
      const model = { artifact_path: "model", flavors: {}, utc_time_created: "2026-01-01", run_id: info.run_id };
      await store.logModel(info.run_id, JSON.stringify(model));
      await store.logModel(info.run_id, JSON.stringify({ ...model, artifact_path: "m2" }));
      const tag = (await store.getRun(info.run_id)).data.tags?.find((t) => t.key === "mlflow.log-model.history");
      assert.equal(JSON.parse(tag?.value ?? "[]").length, 2);
      await rejectsWith(store.logModel(info.run_id, "{}"), "INVALID_PARAMETER_VALUE", /artifact_path/);
      await rejectsWith(store.logModel(info.run_id, "not json"), "INVALID_PARAMETER_VALUE", /model_json/);
    });

    test("search runs: filter, order and pages", async () => {
      const expId = await store.createExperiment({ name: "search-me" });
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const { info } = await store.createRun({ experimentId: expId, startTime: 1000 + i, runName: `r${i}` });
        ids.push(info.run_id);
        await store.logBatch(info.run_id, {
          metrics: [{ key: "auc", value: i / 10, timestamp: 1 }],
          params: [{ key: "algo", value: i % 2 ? "gbdt" : "linear" }],
        });
      }
      const res = await store.searchRuns({
        experimentIds: [expId],
        filter: "metrics.auc > 0.15 and params.algo = 'gbdt'",
        orderBy: ["metrics.auc DESC"],
      });
      assert.deepEqual(
        res.items.map((r) => r.info.run_name),
        ["r5", "r3"],
      );
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await store.searchRuns({ experimentIds: [expId], maxResults: 3, pageToken: token });
        seen.push(...page.items.map((r) => r.info.run_name));
        token = page.nextPageToken;
      } while (token);
      assert.deepEqual(seen, ["r6", "r5", "r4", "r3", "r2", "r1", "r0"]);
      await rejectsWith(
        store.searchRuns({ experimentIds: [expId], filter: "metrics.auc >" }),
        "INVALID_PARAMETER_VALUE",
      );
      await rejectsWith(store.searchRuns({ experimentIds: [expId], maxResults: 50001 }), "INVALID_PARAMETER_VALUE");
    });
  });
}
