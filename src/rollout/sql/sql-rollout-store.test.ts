/** The rollout store contract, run on every backend: records, one active rollout per deployment, generations. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { testBackends } from "../../core/db/test-support/backends.js";
import { rolloutMigrations } from "../migrations.js";
import type { Rollout, RolloutSpec } from "../rollout.js";
import { DEFAULT_ANALYSIS_THRESHOLDS } from "../rollout-spec.js";
import { SqlRolloutStore } from "./sql-rollout-store.js";

const SPEC: RolloutSpec = {
  candidate: "churn/2",
  steps: [5, 25, 50, 100],
  intervalMs: 30_000,
  threshold: 2,
  shadowFirst: false,
  thresholds: { ...DEFAULT_ANALYSIS_THRESHOLDS },
  webhooks: [],
};

/** A fresh active rollout at `time`. */
function rollout(id: string, deployment: string, time: number, overrides: Partial<Rollout> = {}): Rollout {
  return {
    id,
    deployment,
    spec: SPEC,
    phase: "initializing",
    stepIndex: -1,
    weight: 0,
    failedChecks: 0,
    analyses: 0,
    primaryRef: "churn@champion",
    createdTime: time,
    updatedTime: time,
    stepStartedTime: time,
    settled: false,
    generation: 1,
    ...overrides,
  };
}

/** A rollout that ended (settled unless told otherwise). */
function finished(id: string, deployment: string, time: number, overrides: Partial<Rollout> = {}): Rollout {
  return rollout(id, deployment, time, {
    phase: "rolled_back",
    finishedTime: time + 10,
    reason: "aborted by request",
    settled: true,
    ...overrides,
  });
}

for (const backend of testBackends()) {
  describe(`SqlRolloutStore contract (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlRolloutStore;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, rolloutMigrations);
      store = new SqlRolloutStore(db);
    });
    after(() => drop());

    test("create then get returns every field: spec JSON, promotion, optional times", async () => {
      const full: Rollout = {
        id: "full0001",
        deployment: "roundtrip",
        spec: {
          candidate: "churn/7",
          steps: [2.5, 10, 100],
          intervalMs: 1500,
          threshold: 3,
          shadowFirst: true,
          thresholds: { ...DEFAULT_ANALYSIS_THRESHOLDS, latencyRatio: 1.25, minLabels: 40 },
          webhooks: [
            {
              name: "gate",
              type: "confirm-promotion",
              url: "https://hooks.example/gate?token=x",
              timeoutMs: 2500,
              metadata: { team: "risk", ticket: "MW-12" },
            },
            { name: "load", type: "rollout", url: "http://127.0.0.1:9/load", timeoutMs: 10_000 },
          ],
          prometheus: {
            url: "http://prom:9090",
            checks: [{ name: "p95", query: 'histogram_quantile(0.95, x{d="{{deployment}}"})', max: 0.2 }],
          },
          notifyUrl: "https://hooks.slack.example/T/B/C",
        },
        phase: "succeeded",
        stepIndex: 2,
        weight: 100,
        failedChecks: 1,
        analyses: 5,
        primaryRef: "churn@champion",
        createdTime: 1_700_000_000_000,
        updatedTime: 1_700_000_090_000,
        stepStartedTime: 1_700_000_060_000,
        lastAnalysisTime: 1_700_000_085_000,
        finishedTime: 1_700_000_090_000,
        reason: "promoted",
        promotion: {
          model: "churn",
          version: "7",
          alias: "champion",
          previousVersion: "6",
          previousPrimary: "churn@champion",
          time: 1_700_000_089_000,
        },
        settled: true,
        generation: 9,
        aliasMove: { model: "churn", alias: "champion", from: "6", to: "7", movedBy: "alice" },
      };
      assert.deepEqual(await store.create(full), full);
      assert.deepEqual(await store.get("full0001"), full);

      // Optional fields stay absent (not null or undefined keys) when unset.
      const bare = rollout("bare0001", "roundtrip-bare", 5);
      await store.create(bare);
      const got = await store.get("bare0001");
      assert.deepEqual(got, bare);
      for (const key of ["lastAnalysisTime", "finishedTime", "reason", "promotion", "aliasMove"]) {
        assert.equal(key in got, false, `${key} should be absent`);
      }
      assert.equal(got.spec.prometheus, undefined);
      assert.equal(got.spec.notifyUrl, undefined);
    });

    test("get of a missing rollout is RESOURCE_DOES_NOT_EXIST", async () => {
      await assert.rejects(store.get("nope"), { code: "RESOURCE_DOES_NOT_EXIST", message: /'nope' does not exist/ });
    });

    test("one active rollout per deployment; finished ones do not block", async () => {
      await store.create(finished("old00001", "prod", 100));
      await store.create(finished("old00002", "prod", 200, { phase: "succeeded", reason: "promoted" }));
      const active = await store.create(rollout("act00001", "prod", 300));
      await assert.rejects(store.create(rollout("act00002", "prod", 400)), (e: Error & { code?: string }) => {
        assert.equal(e.code, "RESOURCE_ALREADY_EXISTS");
        assert.match(e.message, /'prod' already has an active rollout/);
        assert.match(e.message, /act00001/);
        return true;
      });
      await assert.rejects(store.get("act00002"), { code: "RESOURCE_DOES_NOT_EXIST" });
      // Another deployment is independent.
      await store.create(rollout("oth00001", "staging", 400));
      // Once the active one finishes, a new one may start.
      await store.update({ ...active, phase: "rolled_back", finishedTime: 450, reason: "aborted", settled: true });
      await store.create(rollout("act00003", "prod", 500));
      assert.equal((await store.get("act00003")).phase, "initializing");
    });

    test("two creates for one deployment at once: exactly one wins", async () => {
      const results = await Promise.allSettled([
        store.create(rollout("race0001", "race", 800)),
        store.create(rollout("race0002", "race", 800)),
      ]);
      assert.deepEqual(results.map((x) => x.status).sort(), ["fulfilled", "rejected"]);
      const lost = results.find((x): x is PromiseRejectedResult => x.status === "rejected");
      assert.equal(lost?.reason.code, "RESOURCE_ALREADY_EXISTS");
      const [winner] = await store.list("race");
      assert.ok(winner);
      assert.equal(winner.id, results[0]?.status === "fulfilled" ? "race0001" : "race0002");
      // Finish it so the later listings are unaffected.
      await store.update({ ...winner, phase: "rolled_back", finishedTime: 810, settled: true });
    });

    test("list: newest first, only the deployment's, limited", async () => {
      assert.deepEqual(
        (await store.list("prod")).map((r) => r.id),
        ["act00003", "act00001", "old00002", "old00001"],
      );
      assert.deepEqual(
        (await store.list("prod", { limit: 2 })).map((r) => r.id),
        ["act00003", "act00001"],
      );
      assert.deepEqual(
        (await store.list("prod", { limit: 1 })).map((r) => r.id),
        ["act00003"],
      );
      assert.deepEqual(
        (await store.list("staging")).map((r) => r.id),
        ["oth00001"],
      );
      assert.deepEqual(await store.list("nobody"), []);
    });

    test("listOpen: active and final-but-unsettled only", async () => {
      await store.create(finished("uns00001", "unsettled", 600, { settled: false }));
      await store.create(finished("set00001", "settled", 700));
      const open = (await store.listOpen()).map((r) => r.id).sort();
      // bare0001 (roundtrip-bare), act00003 (prod), oth00001 (staging): active; uns00001: final, unsettled.
      assert.deepEqual(open, ["act00003", "bare0001", "oth00001", "uns00001"]);
      for (const r of await store.listOpen()) {
        assert.ok(r.finishedTime === undefined || !r.settled, `${r.id} is settled and finished`);
      }
    });

    test("update writes every mutable field at the next generation; a stale generation is RESOURCE_CONFLICT", async () => {
      const r = await store.create(rollout("upd00001", "upd", 1000));
      const changed: Rollout = {
        ...r,
        spec: { ...r.spec, threshold: 5 },
        phase: "progressing",
        stepIndex: 1,
        weight: 25,
        failedChecks: 1,
        analyses: 3,
        updatedTime: 1200,
        stepStartedTime: 1150,
        lastAnalysisTime: 1190,
        reason: "holding",
      };
      const saved = await store.update(changed);
      assert.equal(saved.generation, 2);
      assert.deepEqual(await store.get("upd00001"), { ...changed, generation: 2 });

      // `r` is at generation 1: someone changed it meanwhile.
      await assert.rejects(store.update({ ...r, weight: 99 }), (e: Error & { code?: string }) => {
        assert.equal(e.code, "RESOURCE_CONFLICT");
        assert.match(e.message, /generation 2, not 1/);
        return true;
      });
      assert.deepEqual(await store.get("upd00001"), saved, "a refused update changes nothing");

      // The id, deployment and creation time do not change.
      const next = await store.update({ ...saved, deployment: "elsewhere", createdTime: 1 });
      assert.equal(next.generation, 3);
      const stored = await store.get("upd00001");
      assert.equal(stored.deployment, "upd");
      assert.equal(stored.createdTime, 1000);
      assert.equal(stored.generation, 3);

      // Optional fields can be cleared.
      const cleared = { ...stored };
      delete cleared.reason;
      delete cleared.lastAnalysisTime;
      await store.update(cleared);
      const after = await store.get("upd00001");
      assert.equal(after.reason, undefined);
      assert.equal(after.lastAnalysisTime, undefined);
      assert.equal(after.generation, 4);

      await assert.rejects(store.update(rollout("ghost001", "upd", 1)), { code: "RESOURCE_DOES_NOT_EXIST" });
    });
  });
}
