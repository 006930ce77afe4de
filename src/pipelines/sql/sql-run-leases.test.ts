/**
 * Pipeline run leases over the job leases, on every backend: one holder per pipeline, the run a
 * takeover interrupts, and the conversion of a home whose old run-lock table held locks.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { testBackends } from "../../core/db/test-support/backends.js";
import { leaseMigrations } from "../../core/leases/migrations.js";
import { SqlLeaseStore } from "../../core/leases/sql/sql-lease-store.js";
import { pipelineMigrations } from "../migrations.js";
import type { PipelineSpec } from "../pipeline-spec.js";
import type { HeldLease } from "../run-lease.js";
import { newHolder, RunLeases } from "../run-lease.js";
import type { PipelineRun } from "../run-store.js";
import { SqlRunStore } from "./sql-run-store.js";

const spec = (name: string) => ({ name, steps: [{ name: "a", type: "evaluate" }] }) as unknown as PipelineSpec;

function run(id: string, pipeline: string, status: PipelineRun["status"]): PipelineRun {
  return { id, pipeline, spec: spec(pipeline), params: {}, status, trigger: "manual", createdTime: 1 };
}

const held = (t: HeldLease | { heldBy: string }): HeldLease => {
  assert.ok(!("heldBy" in t), `expected the lease, held by ${"heldBy" in t ? t.heldBy : ""}`);
  return t;
};

for (const backend of testBackends()) {
  describe(`pipeline run leases (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlRunStore;
    let now = 100_000;
    const clock = { now: () => now };
    const leasesOf = (o: { host?: string; processAlive?: (pid: number) => boolean; clock?: { now(): number } } = {}) =>
      new RunLeases({ leases: new SqlLeaseStore(db), store, clock, ttlMs: 30_000, pollMs: 5, ...o });

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, [...leaseMigrations, ...pipelineMigrations.filter((m) => m.version <= 3)]);
      store = new SqlRunStore(db);
    });
    after(() => drop());

    test("a home with held and expired run locks converts: same holders, same expiry, runs still found", async () => {
      for (const [id, pipeline] of [
        ["held-run", "h"],
        ["expired-run", "e"],
      ] as const) {
        await db.run(
          `INSERT INTO pipeline_runs (id, pipeline, spec_json, params_json, status, trigger_kind, created_time)
           VALUES (?, ?, ?, '{}', 'running', 'manual', 1)`,
          [id, pipeline, JSON.stringify(spec(pipeline))],
        );
        await db.run(
          `INSERT INTO pipeline_step_runs (run_id, step, position, pipeline, status, attempts, log)
           VALUES (?, 'a', 0, ?, 'running', 1, '')`,
          [id, pipeline],
        );
      }
      const live = newHolder("elsewhere/boot-1", 77);
      const insertLock = "INSERT INTO pipeline_locks (pipeline, holder, run_id, expires_at) VALUES (?, ?, ?, ?)";
      await db.run(insertLock, ["h", live, "held-run", now + 600_000]);
      await db.run(insertLock, ["e", "gone-holder", "expired-run", 5]);
      await db.run(insertLock, ["s", "skip-holder", null, now + 600_000]);

      await migrate(db, [...leaseMigrations, ...pipelineMigrations]);
      await assert.rejects(db.all("SELECT * FROM pipeline_locks"), "the old table is gone");
      const leases = new SqlLeaseStore(db);
      assert.deepEqual(await leases.holder("pipeline-run/h"), { owner: live, until: now + 600_000 });
      assert.deepEqual(await leases.holder("pipeline-run/e"), { owner: "gone-holder", until: 5 });
      assert.equal((await leases.holder("pipeline-run/s"))?.owner, "skip-holder");
      assert.equal((await store.get("held-run")).leaseHolder, live);

      const here = leasesOf();
      assert.deepEqual(await here.tryTake("h", newHolder()), { heldBy: "held-run" }, "still held, run named");
      assert.equal(await here.orphaned("h", "held-run"), false);
      assert.equal((await store.get("held-run")).status, "running");

      const taken = held(await here.tryTake("e", newHolder()));
      const old = await store.get("expired-run");
      assert.equal(old.status, "failed", "the expired lock's run is interrupted on takeover");
      assert.match(old.error ?? "", /^interrupted: the process running it stopped/);
      assert.equal((await store.steps("expired-run"))[0]?.error, "interrupted");
      await taken.release();
    });

    test("one holder per pipeline; the other is told which run holds it", async () => {
      await store.create(run("r1", "p", "queued"), []);
      const leases = leasesOf();
      const a = newHolder();
      const lease = held(await leases.tryTake("p", a, "r1"));
      assert.equal((await store.get("r1")).leaseHolder, a, "the run records its holder");
      assert.deepEqual(await leases.tryTake("p", newHolder()), { heldBy: "r1" });
      assert.equal(await leases.orphaned("p", "r1"), false);
      await lease.release();
      assert.equal(await leases.orphaned("p", "r1"), true, "released: nobody covers it");
      held(await leases.tryTake("p", newHolder())).release();
    });

    test("a holder paused past its lease loses it to a takeover and learns so on its next renewal", async () => {
      await store.create(run("slow", "q", "running"), []);
      // The paused process's clock stands still: its renewals never reach past its lease.
      const pausedAt = now;
      const first = held(await leasesOf({ clock: { now: () => pausedAt } }).tryTake("q", newHolder(), "slow"));
      const lost = new Promise((done) => first.signal.addEventListener("abort", done, { once: true }));
      now += 30_001;
      const leases = leasesOf();
      const second = held(await leases.tryTake("q", newHolder()));
      const keepAlive = setInterval(() => {}, 100); // the renewal timer is unref'd
      await lost;
      clearInterval(keepAlive);
      assert.equal(first.signal.reason?.message, "lost the pipeline's lease");
      assert.equal((await store.get("slow")).status, "failed");
      await first.release();
      assert.equal(await leases.orphaned("q", "slow"), true);
      await second.release();
    });

    test("a lease of a process of this machine that is gone is taken over at once", async () => {
      await store.create(run("crashed", "d", "running"), []);
      const leases = leasesOf({ host: "this-machine/boot-1", processAlive: (pid) => pid !== 424242 });
      const dead = newHolder("this-machine/boot-1", 424242);
      await new SqlLeaseStore(db).claim("pipeline-run/d", dead, now + 600_000, now);
      await store.update("crashed", { leaseHolder: dead });
      assert.equal(await leases.orphaned("d", "crashed"), true);
      assert.equal(await leases.recover("d"), "crashed");
      assert.equal((await store.get("crashed")).status, "failed");
      held(await leases.tryTake("d", newHolder())).release();
    });
  });
}
