/** The pipeline run store contract, run on every backend. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { testBackends } from "../../core/db/test-support/backends.js";
import { pipelineMigrations } from "../migrations.js";
import type { PipelineSpec } from "../pipeline-spec.js";
import type { PipelineRun, StepRun } from "../run-store.js";
import { MAX_LOG_BYTES } from "../run-store.js";
import { SqlRunStore } from "./sql-run-store.js";

const SPEC: PipelineSpec = { name: "churn", params: { a: 1 }, concurrency: "queue", triggers: [], steps: [] };

function run(id: string, time: number, pipeline = "churn"): PipelineRun {
  return {
    id,
    pipeline,
    spec: { ...SPEC, name: pipeline },
    params: { a: 1 },
    status: "queued",
    trigger: "manual",
    createdTime: time,
  };
}

function step(runId: string, name: string): StepRun {
  return { runId, step: name, status: "pending", attempts: 0, log: "" };
}

for (const backend of testBackends()) {
  describe(`SqlRunStore contract (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlRunStore;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, pipelineMigrations);
      store = new SqlRunStore(db);
    });
    after(() => drop());

    test("creates a run with its steps and reads them back in order", async () => {
      await store.create({ ...run("r1", 1000), specPath: "/x/churn.yaml" }, [step("r1", "b"), step("r1", "a")]);
      const got = await store.get("r1");
      assert.equal(got.pipeline, "churn");
      assert.equal(got.specPath, "/x/churn.yaml");
      assert.deepEqual(got.params, { a: 1 });
      assert.deepEqual(got.spec, SPEC);
      assert.equal(got.startTime, undefined);
      assert.deepEqual(
        (await store.steps("r1")).map((s) => s.step),
        ["b", "a"],
      );
    });

    test("updates runs and steps, and clears fields set to undefined", async () => {
      await store.update("r1", { status: "running", startTime: 1100, trackingRunId: "t1", error: "x" });
      await store.update("r1", { error: undefined });
      const got = await store.get("r1");
      assert.equal(got.status, "running");
      assert.equal(got.startTime, 1100);
      assert.equal(got.trackingRunId, "t1");
      assert.equal(got.error, undefined);
      await store.updateStep("r1", "a", {
        status: "succeeded",
        attempts: 2,
        cacheKey: "k1",
        outputs: { n: 1 },
        endTime: 1200,
      });
      const a = (await store.steps("r1")).find((s) => s.step === "a");
      assert.deepEqual(a?.outputs, { n: 1 });
      assert.equal(a?.attempts, 2);
      assert.equal(a?.cacheKey, "k1");
      await assert.rejects(store.get("nope"), /does not exist/);
      await assert.rejects(store.updateStep("r1", "zzz", { status: "failed" }), /no step/);
    });

    test("records a step's container while it may run; ended runs still recording one are found", async () => {
      const job = { backend: "kubernetes" as const, namespace: "ml", name: "mw-churn-a-1" };
      await store.updateStep("r1", "a", { container: job });
      assert.deepEqual((await store.steps("r1")).find((s) => s.step === "a")?.container, job);
      assert.deepEqual(await store.leftContainers("churn"), [], "r1 is running");
      await store.update("r1", { status: "failed" });
      assert.deepEqual(await store.leftContainers("churn"), ["r1"]);
      await store.updateStep("r1", "a", { container: undefined });
      assert.equal((await store.steps("r1")).find((s) => s.step === "a")?.container, undefined);
      assert.deepEqual(await store.leftContainers("churn"), []);
      await store.update("r1", { status: "running" });
    });

    test("records the lease holder running a run and lists the queued or running runs held", async () => {
      await store.update("r1", { leaseHolder: "h1" });
      assert.equal((await store.get("r1")).leaseHolder, "h1");
      assert.deepEqual(await store.leased("churn"), [{ runId: "r1", holder: "h1" }]);
      assert.deepEqual(await store.leased("other"), []);
      await store.update("r1", { leaseHolder: undefined });
      assert.equal((await store.get("r1")).leaseHolder, undefined);
      assert.deepEqual(await store.leased("churn"), [], "no holder recorded");
    });

    test("finds a cached result by pipeline and key", async () => {
      assert.equal((await store.findCached("churn", "k1"))?.runId, "r1");
      assert.equal(await store.findCached("other", "k1"), undefined);
      assert.equal(await store.findCached("churn", "k2"), undefined);
      await store.updateStep("r1", "b", { status: "failed", cacheKey: "k2", outputs: { n: 2 } });
      assert.equal(await store.findCached("churn", "k2"), undefined, "a failed step is never a cache hit");
    });

    test("resets a step for resume", async () => {
      await store.resetStep("r1", "a");
      const a = (await store.steps("r1")).find((s) => s.step === "a");
      assert.equal(a?.status, "pending");
      assert.equal(a?.outputs, undefined);
      assert.equal(a?.attempts, 2);
    });

    test("appends logs and keeps only the tail", async () => {
      await store.appendLog("r1", "a", "first\n");
      await store.appendLog("r1", "a", "second\n");
      assert.equal((await store.steps("r1")).find((s) => s.step === "a")?.log, "first\nsecond\n");
      await store.appendLog("r1", "a", `${"x".repeat(MAX_LOG_BYTES)}END`);
      const log = (await store.steps("r1")).find((s) => s.step === "a")?.log ?? "";
      assert.equal(Buffer.byteLength(log), MAX_LOG_BYTES);
      assert.ok(log.endsWith("END"));
    });

    test("lists newest first, optionally by pipeline", async () => {
      await store.create(run("r2", 2000, "other"), []);
      await store.create(run("r3", 3000), []);
      assert.deepEqual(
        (await store.list()).map((r) => r.id),
        ["r3", "r2", "r1"],
      );
      assert.deepEqual(
        (await store.list({ pipeline: "churn", limit: 1 })).map((r) => r.id),
        ["r3"],
      );
    });

    test("keeps a run's trigger details and delivery, and finds it by delivery id or body digest", async () => {
      const data = { branch: "main", commit: "a".repeat(40), repository: "acme/churn", delivery_id: "d-1" };
      await store.create(
        { ...run("r4", 4000), trigger: "git", triggerData: data, delivery: { id: "d-1", digest: "b1" } },
        [],
      );
      await store.create({ ...run("r5", 5000), delivery: { digest: "b2" } }, []);
      const got = await store.get("r4");
      assert.deepEqual(got.triggerData, data);
      assert.deepEqual(got.delivery, { id: "d-1", digest: "b1" });
      assert.deepEqual((await store.get("r5")).delivery, { digest: "b2" });
      assert.equal((await store.get("r1")).delivery, undefined);
      assert.equal(await store.findDelivery({ id: "d-1", digest: "other" }), "r4");
      assert.equal(await store.findDelivery({ id: "new", digest: "b2" }), "r5");
      assert.equal(await store.findDelivery({ digest: "b1" }), "r4");
      assert.equal(await store.findDelivery({ id: "new", digest: "new" }), undefined);
      assert.equal(await store.findDelivery({ digest: "new" }), undefined);
    });

    test("records a step's process group and clears it", async () => {
      const p = { pid: 4242, pgid: 4242, host: "box/boot-1", start: "123456" };
      await store.updateStep("r1", "b", { process: p });
      assert.deepEqual((await store.steps("r1")).find((s) => s.step === "b")?.process, p);
      await store.resetStep("r1", "b");
      assert.deepEqual((await store.steps("r1")).find((s) => s.step === "b")?.process, p, "resume keeps it");
      await store.updateStep("r1", "b", { process: undefined });
      assert.equal((await store.steps("r1")).find((s) => s.step === "b")?.process, undefined);
    });
  });
}
