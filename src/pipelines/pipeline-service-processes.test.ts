/**
 * Concurrency and cancellation across processes: two services on one database stand for two
 * processes (`up` and a `pipeline run` in a shell); a stopped process's lease expires.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { systemClock } from "../core/clock.js";
import { SqlLeaseStore } from "../core/leases/sql/sql-lease-store.js";
import { PipelineService } from "./pipeline-service.js";
import { newHolder, RunLeases } from "./run-lease.js";
import type { StepExecutor } from "./step-executor.js";
import type { RunnerFixture } from "./test-support/runner-fixture.js";
import { runnerFixture } from "./test-support/runner-fixture.js";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await wait(10);
  }
}

describe("PipelineService across processes", () => {
  let f: RunnerFixture;
  let one: PipelineService;
  let two: PipelineService;
  const spans: { run: string; start: number; end: number }[] = [];
  const releases: (() => void)[] = [];
  const blocking: StepExecutor = {
    run: async (ctx) => {
      const start = Date.now();
      if (ctx.settings.block) await new Promise<void>((r) => releases.push(r));
      else await wait(30);
      spans.push({ run: ctx.pipelineRunId, start, end: Date.now() });
      return {};
    },
  };
  const otherProcess = (ttlMs = 30_000) =>
    new PipelineService({
      runner: f.runner,
      store: f.store,
      leases: new RunLeases({ leases: new SqlLeaseStore(f.db), store: f.store, clock: systemClock, pollMs: 20, ttlMs }),
    });

  before(async () => {
    f = await runnerFixture([["evaluate", blocking]]);
    one = new PipelineService({ runner: f.runner, store: f.store, leases: f.leases });
    two = otherProcess();
  });
  after(() => f.close());

  test("queue: a run started in another process waits for the running one", async () => {
    spans.length = 0;
    const first = one.run(f.spec("name: q\nsteps:\n  - {name: a, type: evaluate, with: {block: true}}\n"));
    await until(() => releases.length === 1, "the first run's step");
    const second = two.run(f.spec("name: q\nsteps:\n  - {name: a, type: evaluate}\n"));
    await wait(100);
    assert.equal(spans.length, 0, "the second has not run");
    assert.deepEqual(
      (await one.list({ pipeline: "q" })).map((r) => r.status),
      ["queued", "running"],
    );
    releases.shift()?.();
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a.status, "succeeded");
    assert.equal(b.status, "succeeded");
    const [x, y] = spans;
    assert.ok(x && y && x.end <= y.start, "the runs did not overlap");
  });

  test("skip: another process refuses while one runs, and starts once it ended", async () => {
    const yaml = "name: s\nconcurrency: skip\nsteps:\n  - {name: a, type: evaluate, with: {block: true}}\n";
    const first = one.run(f.spec(yaml));
    await until(() => releases.length === 1, "the first run's step");
    const running = (await one.list({ pipeline: "s" }))[0];
    await assert.rejects(two.run(f.spec(yaml)), new RegExp(`already running \\(run ${running?.id}\\)`));
    assert.equal((await one.list({ pipeline: "s" })).length, 1, "no run was created");
    releases.shift()?.();
    assert.equal((await first).status, "succeeded");
    const again = two.run(f.spec(yaml));
    await until(() => releases.length === 1, "the second run's step");
    releases.shift()?.();
    assert.equal((await again).status, "succeeded");
  });

  test("cancel from another process stops a running command and skips what follows", async () => {
    const spec = f.spec(
      [
        "name: c",
        "steps:",
        "  - {name: slow, type: command, run: [node, -e, 'setTimeout(() => {}, 60000)'], retries: {limit: 3}}",
        "  - {name: after, type: evaluate, needs: [slow]}",
      ].join("\n"),
    );
    const started = Date.now();
    const running = one.run(spec);
    let id = "";
    await until(async () => {
      const r = (await one.list({ pipeline: "c" }))[0];
      id = r?.id ?? "";
      return r?.status === "running";
    }, "the run to start");
    await wait(200);
    await two.cancel(id);
    const run = await running;
    assert.equal(run.status, "cancelled");
    assert.equal(run.error, "cancelled");
    assert.ok(Date.now() - started < 20_000, "the 60 s command was killed");
    const steps = await f.store.steps(id);
    assert.equal(steps[0]?.status, "failed");
    assert.equal(steps[0]?.attempts, 1, "a cancelled step is not retried");
    assert.equal(steps[1]?.status, "skipped");
    assert.match(steps[1]?.error ?? "", /cancelled/);
    await assert.rejects(two.cancel(id), /is cancelled; only queued or running runs can be cancelled/);
  });

  test("a queued run cancelled never starts", async () => {
    const first = one.run(f.spec("name: k\nsteps:\n  - {name: a, type: evaluate, with: {block: true}}\n"));
    await until(() => releases.length === 1, "the first run's step");
    const queued = two.run(f.spec("name: k\nsteps:\n  - {name: a, type: evaluate}\n"));
    let id = "";
    await until(async () => {
      const r = (await one.list({ pipeline: "k" }))[0];
      id = r?.status === "queued" ? r.id : "";
      return id !== "";
    }, "the queued run");
    assert.equal((await one.cancel(id)).status, "cancelled");
    releases.shift()?.();
    await first;
    const q = await queued;
    assert.equal(q.status, "cancelled");
    assert.deepEqual(
      (await f.store.steps(id)).map((s) => s.status),
      ["pending"],
    );
    // Resuming takes the cancellation back and runs it.
    const resumed = await two.resume(id);
    assert.equal(resumed.status, "succeeded");
    assert.equal(resumed.cancelRequested, undefined);
  });

  test("a run whose process stopped is marked interrupted when the next run takes its expired lease", async () => {
    const crashed = otherProcess(50);
    const spec = f.spec("name: z\nsteps:\n  - {name: a, type: evaluate, with: {block: true}}\n");
    const late = crashed.run(spec);
    await until(() => releases.length === 1, "the run's step");
    const id = (await one.list({ pipeline: "z" }))[0]?.id ?? "";
    // Stand for a stopped process: its lease expired and another holder's name is on it.
    await f.db.run("UPDATE job_leases SET lease_until = 0, owner = 'gone' WHERE name = 'pipeline-run/z'");
    const next = await one.run(f.spec("name: z\nsteps:\n  - {name: a, type: evaluate}\n"));
    assert.equal(next.status, "succeeded");
    const old = await f.store.get(id);
    assert.equal(old.status, "failed");
    assert.match(
      old.error ?? "",
      /interrupted: the process running it stopped; continue it with 'modelworks pipeline resume/,
    );
    const [step] = await f.store.steps(id);
    assert.equal(step?.status, "failed");
    assert.equal(step?.error, "interrupted");
    // The stalled process wakes up: it has lost the lease, so it stops instead of carrying on.
    releases.shift()?.();
    const woke = await late;
    assert.equal(woke.status, "cancelled");
    assert.equal(woke.error, "lost the pipeline's lease");
  });

  test("a lease held by a process of this machine that is gone is taken over at once, long before it expires", async () => {
    const leases = new RunLeases({
      leases: new SqlLeaseStore(f.db),
      store: f.store,
      clock: systemClock,
      pollMs: 20,
      ttlMs: 600_000,
      host: "this-machine/boot-1",
      processAlive: (pid) => pid !== 424242,
    });
    const here = new PipelineService({ runner: f.runner, store: f.store, leases });
    const stale = await f.runner.create(f.spec("name: d\nsteps:\n  - {name: a, type: evaluate}\n"));
    await f.store.update(stale.id, { status: "running" });
    await f.store.updateStep(stale.id, "a", { status: "running" });
    const lease = { holder: newHolder("this-machine/boot-1", 424242), expires: Date.now() + 600_000 };
    await new SqlLeaseStore(f.db).claim("pipeline-run/d", lease.holder, lease.expires, Date.now());
    await f.store.update(stale.id, { leaseHolder: lease.holder });
    const next = await here.run(f.spec("name: d\nsteps:\n  - {name: a, type: evaluate}\n"));
    assert.equal(next.status, "succeeded");
    const old = await f.store.get(stale.id);
    assert.equal(old.status, "failed");
    assert.match(old.error ?? "", /^interrupted: the process running it stopped/);
    // A holder on another machine cannot be checked: its lease is respected until it expires.
    const elsewhere = newHolder("other-machine/boot-9", 424242);
    await new SqlLeaseStore(f.db).claim("pipeline-run/d", elsewhere, lease.expires, Date.now());
    await f.store.update(stale.id, { leaseHolder: elsewhere });
    assert.equal(await leases.orphaned("d", stale.id), false);
    await f.db.run("DELETE FROM job_leases WHERE name = 'pipeline-run/d'");
  });

  test("resume refuses while a step's command may still run on another machine", async () => {
    const run = await f.runner.create(f.spec("name: m\nsteps:\n  - {name: a, type: evaluate}\n"));
    await f.store.update(run.id, { status: "failed", error: "interrupted" });
    await f.store.updateStep(run.id, "a", {
      status: "failed",
      process: { pid: 4321, pgid: 4321, host: "elsewhere.example/9b1c" },
    });
    await assert.rejects(
      one.resume(run.id),
      /step 'a' ran on elsewhere.example\/9b1c \(process group 4321\) and may still run there/,
    );
    assert.equal((await f.store.steps(run.id))[0]?.status, "failed", "nothing ran");
  });
});
