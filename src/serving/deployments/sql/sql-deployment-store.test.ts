import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import { servingMigrations } from "../../migrations.js";
import type { ServingReport } from "../serving-report.js";
import { SqlDeploymentStore } from "./sql-deployment-store.js";

function report(
  instance: string,
  deployment: string,
  seenTime: number,
  extra: Partial<ServingReport> = {},
): ServingReport {
  return {
    instance,
    deployment,
    kind: "serve",
    host: "node-a",
    pid: 42,
    served: [{ variant: "primary", model: "churn", version: "1" }],
    candidateWeight: 0,
    shadow: false,
    generation: 1,
    startedTime: 100,
    seenTime,
    ...extra,
  };
}

for (const backend of testBackends()) {
  describe(`SqlDeploymentStore contract (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlDeploymentStore;
    let now = 1000;
    const clock = { now: () => now };

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, servingMigrations);
      store = new SqlDeploymentStore(db, { clock });
    });
    after(() => drop());

    test("create fills defaults; get returns the same record", async () => {
      const d = await store.create({ name: "churn", primary: "churn@champion" });
      assert.deepEqual(d, {
        name: "churn",
        primary: "churn@champion",
        onAliasChange: "rollout",
        candidateWeight: 0,
        shadow: false,
        logSampling: 1,
        logRetentionMs: 30 * 86_400_000,
        archiveLog: false,
        status: "active",
        generation: 1,
        createdTime: 1000,
        updatedTime: 1000,
      });
      assert.deepEqual(await store.get("churn"), d);
    });

    test("create keeps every optional field", async () => {
      const d = await store.create({
        name: "full",
        primary: "churn/1",
        candidate: "churn/2",
        candidateWeight: 12.5,
        shadow: false,
        routingKey: { source: "header", name: "x-customer" },
        logSampling: 0.25,
        logRetentionMs: 7 * 86_400_000,
        archiveLog: true,
        description: "all fields",
      });
      assert.deepEqual(await store.get("full"), d);
      assert.equal(d.logRetentionMs, 7 * 86_400_000);
      assert.equal(d.archiveLog, true);
      assert.equal(d.candidate, "churn/2");
      assert.deepEqual(d.routingKey, { source: "header", name: "x-customer" });
    });

    test("the alias-change policy, the pinned version and the rollout settings round-trip; null clears", async () => {
      const settings = {
        steps: [10, 100],
        intervalMs: 5000,
        thresholds: { maxScorePsi: 0.3 },
        notifyUrl: "https://n.test/x",
      };
      const d = await store.create({
        name: "pinned",
        primary: "churn@champion",
        primaryVersion: "3",
        onAliasChange: "rollout",
        rollout: settings,
      });
      assert.deepEqual(await store.get("pinned"), d);
      assert.equal(d.primaryVersion, "3");
      const moved = await store.update("pinned", {
        primaryVersion: "4",
        onAliasChange: "swap",
        rollout: { steps: [50] },
      });
      assert.equal(moved.primaryVersion, "4");
      assert.equal(moved.onAliasChange, "swap");
      assert.deepEqual(moved.rollout, { steps: [50] });
      const cleared = await store.update("pinned", { primaryVersion: null, rollout: null });
      assert.equal(cleared.primaryVersion, undefined);
      assert.equal(cleared.rollout, undefined);
      assert.deepEqual(await store.get("pinned"), cleared);
      await store.delete("pinned");
    });

    test("duplicate names, missing names and invalid names", async () => {
      await assert.rejects(store.create({ name: "churn", primary: "x/1" }), { code: "RESOURCE_ALREADY_EXISTS" });
      await assert.rejects(store.get("nope"), { code: "RESOURCE_DOES_NOT_EXIST", message: /'nope' does not exist/ });
      await assert.rejects(store.update("nope", { shadow: true }), { code: "RESOURCE_DOES_NOT_EXIST" });
      await assert.rejects(store.delete("nope"), { code: "RESOURCE_DOES_NOT_EXIST" });
      for (const bad of ["", "a/b", "a@b", "-x"]) {
        await assert.rejects(store.create({ name: bad, primary: "x/1" }), { code: "INVALID_PARAMETER_VALUE" });
      }
    });

    test("update applies the patch, bumps the generation and the time; null removes", async () => {
      now = 2000;
      const d = await store.update("full", { candidateWeight: 50, status: "stopped", description: "changed" });
      assert.equal(d.generation, 2);
      assert.equal(d.candidateWeight, 50);
      assert.equal(d.status, "stopped");
      assert.equal(d.description, "changed");
      assert.equal(d.updatedTime, 2000);
      assert.equal(d.createdTime, 1000);
      const cleared = await store.update("full", { candidate: null, routingKey: null, description: null });
      assert.equal(cleared.generation, 3);
      assert.equal(cleared.candidate, undefined);
      assert.equal(cleared.routingKey, undefined);
      assert.equal(cleared.description, undefined);
      assert.deepEqual(await store.get("full"), cleared);
      const keyed = await store.update("full", { routingKey: { source: "column", name: "customerID" }, shadow: true });
      assert.deepEqual(keyed.routingKey, { source: "column", name: "customerID" });
      assert.equal(keyed.shadow, true);
    });

    test("expectedGeneration: a stale generation is RESOURCE_CONFLICT and changes nothing", async () => {
      const current = await store.get("churn");
      const next = await store.update("churn", { logSampling: 0.5 }, { expectedGeneration: current.generation });
      assert.equal(next.generation, current.generation + 1);
      await assert.rejects(store.update("churn", { logSampling: 0.1 }, { expectedGeneration: current.generation }), {
        code: "RESOURCE_CONFLICT",
        message: /generation 2, not the expected 1/,
      });
      assert.equal((await store.get("churn")).logSampling, 0.5);
    });

    test("concurrent updates with the same expected generation: exactly one wins", async () => {
      const { generation } = await store.get("churn");
      const results = await Promise.allSettled(
        [10, 20, 30, 40].map((w) => store.update("churn", { candidateWeight: w }, { expectedGeneration: generation })),
      );
      assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
      for (const r of results.filter((r) => r.status === "rejected"))
        assert.equal((r as PromiseRejectedResult).reason.code, "RESOURCE_CONFLICT");
      assert.equal((await store.get("churn")).generation, generation + 1);
    });

    test("list by name, optionally by status", async () => {
      assert.deepEqual(
        (await store.list()).map((d) => d.name),
        ["churn", "full"],
      );
      assert.deepEqual(
        (await store.list({ status: "stopped" })).map((d) => d.name),
        ["full"],
      );
      assert.deepEqual(
        (await store.list({ status: "active" })).map((d) => d.name),
        ["churn"],
      );
    });

    test("events: ids assigned, data round-trips, newest first with ties broken by order", async () => {
      const a = await store.addEvent({ deployment: "churn", time: 5000, type: "created", message: "a" });
      const b = await store.addEvent({
        deployment: "churn",
        time: 5000,
        type: "updated",
        message: "b",
        data: { candidate_weight: { old: 0, new: 10 }, nested: [1, "x", null] },
      });
      const c = await store.addEvent({ deployment: "churn", time: 6000, type: "model_loaded", message: "c" });
      await store.addEvent({ deployment: "full", time: 5500, type: "created", message: "other" });
      assert.match(a.id, /^[0-9a-f]{32}$/);
      assert.notEqual(a.id, b.id);
      const events = await store.listEvents("churn");
      assert.deepEqual(
        events.map((e) => e.message),
        ["c", "b", "a"],
      );
      assert.deepEqual(events[1], b);
      assert.deepEqual(events[0], c);
      assert.equal(events[2]?.data, undefined);
      assert.deepEqual(
        (await store.listEvents("churn", { limit: 2 })).map((e) => e.message),
        ["c", "b"],
      );
      assert.deepEqual(
        (await store.listEvents("churn", { sinceTime: 5500 })).map((e) => e.message),
        ["c"],
      );
      assert.deepEqual(await store.listEvents("nobody"), []);
    });

    test("many events in one millisecond keep their order", async () => {
      for (let i = 0; i < 12; i++) {
        await store.addEvent({ deployment: "burst", time: 7000, type: "tick", message: String(i) });
      }
      assert.deepEqual(
        (await store.listEvents("burst")).map((e) => e.message),
        ["11", "10", "9", "8", "7", "6", "5", "4", "3", "2", "1", "0"],
      );
    });

    test("delete removes the deployment and its events", async () => {
      await store.delete("churn");
      await assert.rejects(store.get("churn"), { code: "RESOURCE_DOES_NOT_EXIST" });
      assert.deepEqual(await store.listEvents("churn"), []);
      assert.equal((await store.listEvents("full")).length, 1);
      const again = await store.create({ name: "churn", primary: "churn/3" });
      assert.equal(again.generation, 1);
    });

    test("serving reports: insert, refresh in place, newest process first, forget by instance or age", async () => {
      await store.create({ name: "reported", primary: "churn/1" });
      await store.reportServing([report("a", "reported", 1000), report("a", "other", 1000)]);
      const refreshed = report("a", "reported", 2000, {
        url: "http://10.0.0.5:8080",
        served: [
          { variant: "primary", model: "churn", version: "1" },
          { variant: "candidate", model: "churn", version: "2" },
        ],
        candidateWeight: 12.5,
        shadow: true,
        generation: 7,
        lastError: "Model churn version 3 failed to load",
      });
      await store.reportServing([refreshed]);
      await store.reportServing([report("b", "reported", 2500, { startedTime: 900, kind: "up" })]);
      const listed = await store.listServing("reported");
      assert.deepEqual(listed, [report("b", "reported", 2500, { startedTime: 900, kind: "up" }), refreshed]);
      // Refreshing without an error clears it.
      await store.reportServing([report("a", "reported", 3000)]);
      assert.equal((await store.listServing("reported"))[1]?.lastError, undefined);
      await store.forgetServing({ instance: "a", deployment: "other" });
      assert.deepEqual(await store.listServing("other"), []);
      await store.forgetServing({ seenBefore: 2600 });
      assert.deepEqual(
        (await store.listServing("reported")).map((r) => r.instance),
        ["a"],
      );
      await store.forgetServing({ instance: "a" });
      assert.deepEqual(await store.listServing("reported"), []);
      await store.reportServing([report("c", "reported", 4000)]);
      await store.delete("reported");
      assert.deepEqual(await store.listServing("reported"), [], "deleting a deployment removes its reports");
    });
  });
}
