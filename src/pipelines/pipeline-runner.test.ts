/** The runner: DAG order, parallelism, retries, timeout, when, failure skipping, resume, tracking. */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { StepContext, StepExecutor } from "./step-executor.js";
import type { RunnerFixture } from "./test-support/runner-fixture.js";
import { put, runnerFixture } from "./test-support/runner-fixture.js";

/** An `evaluate` executor scripted by its settings: waits, fails N times, returns `out`. */
function scripted() {
  const log: string[] = [];
  let active = 0;
  let peak = 0;
  const failures = new Map<string, number>();
  const executor: StepExecutor = {
    run: async (ctx: StepContext) => {
      const s = ctx.settings as {
        wait_ms?: number;
        fail_times?: number;
        hang?: boolean;
        out?: Record<string, unknown>;
      };
      active++;
      peak = Math.max(peak, active);
      log.push(`start ${ctx.step.name}`);
      try {
        if (s.hang) await new Promise((_, fail) => ctx.signal.addEventListener("abort", () => fail(ctx.signal.reason)));
        await new Promise((r) => setTimeout(r, s.wait_ms ?? 5));
        const failed = failures.get(ctx.step.name) ?? 0;
        if (failed < (s.fail_times ?? 0)) {
          failures.set(ctx.step.name, failed + 1);
          throw new Error(`flaky failure ${failed + 1}`);
        }
        ctx.log(`done ${ctx.step.name}`);
        return s.out ?? {};
      } finally {
        active--;
        log.push(`end ${ctx.step.name}`);
      }
    },
  };
  return { executor, log, peak: () => peak };
}

describe("PipelineRunner", () => {
  let f: RunnerFixture;
  let s: ReturnType<typeof scripted>;
  before(async () => {
    s = scripted();
    f = await runnerFixture([["evaluate", s.executor]]);
  });
  after(() => f.close());

  test("runs steps in dependency order, independent ones in parallel (at most 2)", async () => {
    s.log.length = 0;
    const spec = f.spec(`
name: dag
steps:
  - {name: a, type: evaluate, with: {wait_ms: 30, out: {n: 1}}}
  - {name: b, type: evaluate, with: {wait_ms: 30}}
  - {name: c, type: evaluate, with: {wait_ms: 30}}
  - {name: d, type: evaluate, needs: [a, b, c], with: {out: {sum: "\${steps.a.outputs.n}"}}}
`);
    const run = await f.runner.start(spec, { specPath: f.specPath });
    assert.equal(run.status, "succeeded");
    assert.equal(s.peak(), 2);
    const dStart = s.log.indexOf("start d");
    for (const x of ["a", "b", "c"]) assert.ok(s.log.indexOf(`end ${x}`) < dStart, `${x} ends before d starts`);
    const steps = await f.store.steps(run.id);
    assert.deepEqual(steps.find((x) => x.step === "d")?.outputs, { sum: 1 }, "a whole reference keeps its type");
    assert.match(steps.find((x) => x.step === "a")?.log ?? "", /done a/);
  });

  test("retries with exponential backoff, capped", async () => {
    f.sleeps.length = 0;
    const spec = f.spec(`
name: retry
steps:
  - name: flaky
    type: evaluate
    with: {fail_times: 3}
    retries: {limit: 3, backoff: 10ms, factor: 3, max_backoff: 50ms}
`);
    const run = await f.runner.start(spec, { specPath: f.specPath });
    assert.equal(run.status, "succeeded");
    assert.deepEqual(f.sleeps, [10, 30, 50]);
    const [step] = await f.store.steps(run.id);
    assert.equal(step?.attempts, 4);
    assert.match(step?.log ?? "", /attempt 1 failed: flaky failure 1; retrying in 10ms/);
  });

  test("a failure after the last retry fails the run and skips its dependents, not independent steps", async () => {
    const spec = f.spec(`
name: failing
steps:
  - {name: bad, type: evaluate, with: {fail_times: 5}, retries: 1}
  - {name: after_bad, type: evaluate, needs: [bad]}
  - {name: after_after, type: evaluate, needs: [after_bad]}
  - {name: independent, type: evaluate}
`);
    const run = await f.runner.start(spec, { specPath: f.specPath });
    assert.equal(run.status, "failed");
    assert.match(run.error ?? "", /step 'bad' failed: flaky failure 2/);
    const st = Object.fromEntries((await f.store.steps(run.id)).map((x) => [x.step, x]));
    assert.equal(st.bad?.status, "failed");
    assert.equal(st.bad?.attempts, 2);
    assert.equal(st.after_bad?.status, "skipped");
    assert.equal(st.after_after?.status, "skipped");
    assert.equal(st.independent?.status, "succeeded");
  });

  test("a step that outlives its timeout fails with the timeout", async () => {
    const spec = f.spec(`
name: slow
steps:
  - {name: hang, type: evaluate, with: {hang: true}, timeout: 50ms}
`);
    const run = await f.runner.start(spec, { specPath: f.specPath });
    assert.equal(run.status, "failed");
    assert.match((await f.store.steps(run.id))[0]?.error ?? "", /timed out after 50ms/);
  });

  test("a command past its timeout is killed", async () => {
    const spec = f.spec(`
name: slow-command
steps:
  - {name: sleep, type: command, run: [node, -e, "setTimeout(() => {}, 60000)"], timeout: 200ms}
`);
    const run = await f.runner.start(spec, { specPath: f.specPath });
    assert.equal(run.status, "failed");
    assert.match((await f.store.steps(run.id))[0]?.error ?? "", /timed out after 200ms/);
  });

  test("when false skips the step; its dependents still run", async () => {
    const spec = f.spec(`
name: cond
params: {deploy: false}
steps:
  - {name: gate, type: evaluate, with: {out: {promote: false}}}
  - {name: deploy, type: evaluate, needs: [gate], when: "\${steps.gate.outputs.promote}"}
  - {name: notify, type: evaluate, needs: [deploy]}
  - {name: by_param, type: evaluate, when: "\${params.deploy}"}
`);
    const run = await f.runner.start(spec, { specPath: f.specPath });
    assert.equal(run.status, "succeeded");
    const st = Object.fromEntries((await f.store.steps(run.id)).map((x) => [x.step, x.status]));
    assert.deepEqual(st, { gate: "succeeded", deploy: "skipped", notify: "succeeded", by_param: "skipped" });
    const again = await f.runner.start(spec, { specPath: f.specPath, params: { deploy: "true" } });
    assert.equal((await f.store.steps(again.id)).find((x) => x.step === "by_param")?.status, "succeeded");
  });

  test("records the run and one child run per step in the tracking store", async () => {
    const spec = f.spec(`
name: tracked
params: {lr: 0.1}
steps:
  - {name: one, type: evaluate, with: {out: {auc: 0.9}}}
`);
    const run = await f.runner.start(spec, { specPath: f.specPath });
    const parent = await f.tracking.getRun(run.trackingRunId as string);
    assert.equal(parent.info.status, "FINISHED");
    const tags = Object.fromEntries((parent.data.tags ?? []).map((t) => [t.key, t.value]));
    assert.equal(tags["modelworks.pipeline"], "tracked");
    assert.deepEqual(parent.data.params, [{ key: "lr", value: "0.1" }]);
    const exp = await f.tracking.getExperimentByName("pipeline:tracked");
    assert.equal(parent.info.experiment_id, exp?.experiment_id);
    const step = (await f.store.steps(run.id))[0];
    const child = await f.tracking.getRun(step?.trackingRunId as string);
    const ctags = Object.fromEntries((child.data.tags ?? []).map((t) => [t.key, t.value]));
    assert.equal(ctags["mlflow.parentRunId"], run.trackingRunId);
    assert.equal(ctags["modelworks.step_status"], "succeeded");
    assert.equal(ctags["modelworks.output.auc"], "0.9");
    assert.ok((child.data.metrics ?? []).some((m) => m.key === "attempts" && m.value === 1));
  });

  test("refuses an undeclared param and a step type without an executor", async () => {
    const spec = f.spec("name: p\nparams: {a: 1}\nsteps:\n  - {name: x, type: evaluate}\n");
    await assert.rejects(f.runner.start(spec, { params: { b: 2 } }), /Unknown param 'b' \(the pipeline declares a\)/);
    const gate = f.spec("name: g\nsteps:\n  - {name: x, type: gate}\n");
    await assert.rejects(f.runner.start(gate), /No executor for the step types of: x \(gate\)/);
  });

  test("resume after a crash keeps succeeded steps and reruns the rest", async () => {
    await put(f, "count.js", "const fs=require('fs');const p=process.argv[2];fs.appendFileSync(p,'x');");
    const spec = f.spec(`
name: crash
steps:
  - {name: first, type: command, run: [node, count.js, first.count]}
  - {name: second, type: command, needs: [first], run: [node, count.js, second.count]}
`);
    // Simulate a process that died while 'second' was running: 'first' succeeded, 'second' is stuck running.
    const run = await f.runner.create(spec, { specPath: f.specPath });
    await f.store.update(run.id, { status: "running", startTime: 1 });
    await f.store.updateStep(run.id, "first", { status: "succeeded", attempts: 1, outputs: {} });
    await f.store.updateStep(run.id, "second", { status: "running", attempts: 1 });
    const resumed = await f.runner.resume(run.id);
    assert.equal(resumed.status, "succeeded");
    await assert.rejects(readFile(join(f.dir, "first.count")), "first is not run again");
    assert.equal(await readFile(join(f.dir, "second.count"), "utf8"), "x");
    await assert.rejects(f.runner.resume(run.id), /already succeeded/);
  });

  test("resume of a failed run reruns the failed step and its skipped dependents", async () => {
    await put(f, "gate.js", "const fs=require('fs');if(!fs.existsSync('ok.flag'))process.exit(3);");
    const spec = f.spec(`
name: fix-and-resume
steps:
  - {name: a, type: command, run: [node, count.js, a.count]}
  - {name: b, type: command, needs: [a], run: [node, gate.js]}
  - {name: c, type: command, needs: [b], run: [node, count.js, c.count]}
`);
    const run = await f.runner.start(spec, { specPath: f.specPath });
    assert.equal(run.status, "failed");
    assert.match(run.error ?? "", /exited with code 3/);
    await put(f, "ok.flag", "");
    const resumed = await f.runner.resume(run.id);
    assert.equal(resumed.status, "succeeded");
    assert.equal(resumed.error, undefined);
    assert.equal(await readFile(join(f.dir, "a.count"), "utf8"), "x");
    assert.equal(await readFile(join(f.dir, "c.count"), "utf8"), "x");
  });
});
