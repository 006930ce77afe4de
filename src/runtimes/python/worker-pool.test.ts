import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { setImmediate as nextTurn } from "node:timers/promises";
import { MwError } from "../../core/errors.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import type { PythonModel } from "./python-runtime.js";
import { loadFixture, SKLEARN_FIXTURES, sklearnSkipReason } from "./test-support/fixtures.js";

const skip = sklearnSkipReason();
const SLEEPY = join(SKLEARN_FIXTURES, "sleepy");

/** One row of the sleepy fixture: sleeps `sleep` seconds, answers 2 * x. */
const call = (model: PythonModel, x: number, sleep: number) =>
  model.predict(tableFromColumns({ x: [x], sleep: [sleep] }, { x: "float", sleep: "float" }));

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await nextTurn();
}

/** Every settled call either answered 2 * x or failed with 503; returns the failures. */
function checkSettled(results: PromiseSettledResult<{ scores: Float64Array }>[], xs: number[]): MwError[] {
  const failures: MwError[] = [];
  results.forEach((r, i) => {
    if (r.status === "fulfilled") assert.equal(r.value.scores[0], 2 * (xs[i] as number));
    else {
      assert.ok(r.reason instanceof MwError, String(r.reason));
      assert.equal(r.reason.code, "TEMPORARILY_UNAVAILABLE");
      assert.equal(r.reason.status, 503);
      failures.push(r.reason);
    }
  });
  return failures;
}

async function allSucceed(model: PythonModel, count: number): Promise<void> {
  const xs = Array.from({ length: count }, (_, i) => 100 + i);
  const outs = await Promise.all(xs.map((x) => call(model, x, 0)));
  outs.forEach((o, i) => {
    assert.equal(o.scores[0], 2 * (xs[i] as number));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("worker faults", { skip }, () => {
  test("a worker killed with SIGKILL during traffic fails only its in-flight requests (503), then all succeed", async () => {
    const warnings: string[] = [];
    const model = await loadFixture(SLEEPY, { workers: 2 }, (w) => warnings.push(w));
    try {
      // One slow call per worker, then slow requests queue: the first worker free takes them as one batch.
      const xs = Array.from({ length: 22 }, (_, i) => i);
      const first = xs.map((x) => call(model, x, 2));
      await until(() => model.workers().some((w) => w.inFlight > 1));
      const victim = model.workers().find((w) => w.inFlight > 1) as { pid: number; inFlight: number };
      process.kill(victim.pid, "SIGKILL");
      const laterXs = Array.from({ length: 30 }, (_, i) => 50 + i);
      const later = laterXs.map((x) => call(model, x, 0));
      const failures = checkSettled(await Promise.allSettled([...first, ...later]), [...xs, ...laterXs]);
      assert.equal(failures.length, victim.inFlight);
      for (const f of failures) assert.match(f.message, new RegExp(`pid ${victim.pid}\\) was killed by SIGKILL`));
      const stats = model.stats();
      assert.equal(stats.lostRequests, victim.inFlight);
      assert.equal(stats.restarts, 1);
      assert.ok(warnings.some((w) => w.includes(`Python worker ${victim.pid} was killed by SIGKILL; restarting it`)));
      await allSucceed(model, 20);
      await until(() => model.workers().every((w) => w.state === "idle"));
      assert.ok(!model.workers().some((w) => w.pid === victim.pid));
    } finally {
      await model.close();
    }
  });

  test("a hung worker is killed after the timeout: its requests fail 503, the other worker's succeed", async () => {
    const model = await loadFixture(SLEEPY, { workers: 2, timeoutMs: 1000 });
    try {
      const hung = call(model, 1, 3600);
      const [hungWorker] = model.workers().filter((w) => w.inFlight === 1);
      const xs = Array.from({ length: 20 }, (_, i) => 10 + i);
      const others = xs.map((x) => call(model, x, 0));
      const failures = checkSettled(await Promise.allSettled([hung, ...others]), [1, ...xs]);
      assert.equal(failures.length, 1);
      assert.match(failures[0]?.message ?? "", /did not answer within 1 s; it is being restarted/);
      await until(() => model.workers().every((w) => w.state === "idle"));
      assert.ok(!alive(hungWorker?.pid as number));
      assert.equal(model.stats().restarts, 1);
      await allSucceed(model, 10);
    } finally {
      await model.close();
    }
  });

  test("close() stops the workers; later requests fail with 503", async () => {
    const model = await loadFixture(SLEEPY, { workers: 2 });
    const pids = model.workers().map((w) => w.pid as number);
    assert.equal(pids.length, 2);
    await model.close();
    for (const pid of pids) assert.ok(!alive(pid), `worker ${pid} still runs`);
    await assert.rejects(call(model, 1, 0), (e: unknown) => e instanceof MwError && e.status === 503);
  });
});
