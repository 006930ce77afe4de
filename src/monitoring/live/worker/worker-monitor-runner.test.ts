/**
 * Monitor runs on a worker thread: the same results as on the calling thread; the calling thread
 * logs and answers predictions while a run is in progress (held deterministically: the worker
 * blocks reading the version's drift reference, made a named pipe, until the test writes it); a
 * run that overruns its budget is cancelled and the next run starts a new thread.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { systemClock } from "../../../core/clock.js";
import { resolveConfig } from "../../../core/config.js";
import { BACKGROUND_NICE } from "../../../core/thread-priority.js";
import { ServingActivity } from "../../../core/threads/serving-activity.js";
import type { MonitorResult } from "../monitor.js";
import { monitorConfig } from "../test-support/monitor-config.js";
import type { TelcoWorld } from "../test-support/telco-world.js";
import { logRequest, records, registerTelco, telcoWorld } from "../test-support/telco-world.js";
import { workerStores } from "./off-thread.js";
import { WorkerMonitorRunner } from "./worker-monitor-runner.js";

const ROWS = Array.from({ length: 400 }, (_, k) => k * 17);

/** Every `drift-reference.json` under `dir`. */
function referenceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...referenceFiles(p));
    else if (e.name === "drift-reference.json") out.push(p);
  }
  return out;
}

/** A result without what differs between two runs of the same window (id, time). */
function comparable(r: MonitorResult): Omit<MonitorResult, "id" | "time"> {
  const { id: _, time: __, ...rest } = r;
  return rest;
}

describe("WorkerMonitorRunner", () => {
  let w: TelcoWorld;
  let version: string;
  let reference: string;
  let referenceJson: Buffer;
  const stores = () => workerStores(resolveConfig({ home: w.home }, {}, w.home), w.home);

  before(async () => {
    w = await telcoWorld();
    version = await registerTelco(w, "churn");
    // Logged now, so the calling thread's facts (and aggregation plan) are loaded before the pipe exists.
    await logRequest(w, "steady", { name: "churn", version }, records(w, ROWS), Date.now() - 60_000);
    const [file] = referenceFiles(join(w.home, "artifacts"));
    assert.ok(file, "the package's drift reference is stored");
    reference = file;
    referenceJson = readFileSync(reference);
  });
  after(() => w.close());

  /** Make the reference a named pipe: a reader blocks until the test writes it. */
  const pipe = () => {
    rmSync(reference);
    execFileSync("mkfifo", ["-m", "600", reference]);
  };
  /** Let a reader still blocked on the pipe (a stopped thread's) go, then put the file back. */
  const restore = () => {
    try {
      closeSync(openSync(reference, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // No reader waits (ENXIO): nothing to let go.
    }
    rmSync(reference);
    writeFileSync(reference, referenceJson, { mode: 0o600 });
  };

  test("the calling thread logs and answers predictions while a run is in progress; the results equal a run on the calling thread", async () => {
    const expected = await w.platform.monitoring.runConfig(monitorConfig("steady"));
    pipe();
    const runner = new WorkerMonitorRunner(stores(), { clock: systemClock });
    try {
      let settled = false;
      const run = runner.run(monitorConfig("steady")).finally(() => {
        settled = true;
      });
      // Opening the pipe for writing returns once the worker has opened it: the run is under way.
      const writer = await open(reference, "w");
      const more = records(w, [1, 2, 3]);
      await logRequest(w, "steady", { name: "churn", version }, more, Date.now() - 30_000);
      assert.equal(settled, false, "the run was still waiting for its reference while the thread served");
      if (process.platform === "linux") {
        // The run's thread gave way to this one: a thread of this process at the background nice
        // value, the serving (main) thread at the normal one.
        assert.equal(niceOf("/proc/self/stat"), 0);
        const tasks = readdirSync("/proc/self/task").map((t) => niceOf(`/proc/self/task/${t}/stat`));
        assert.ok(tasks.includes(BACKGROUND_NICE), `nice values of the threads: ${tasks.join(", ")}`);
      }
      await writer.writeFile(referenceJson);
      await writer.close();
      const results = await run;
      assert.equal(results.length, 1);
      const [r] = results as [MonitorResult];
      const [e] = expected.results as [MonitorResult];
      assert.equal(e.rows, ROWS.length);
      // It had read its window before it blocked on the reference: the rows logged meanwhile are not in it.
      assert.equal(r.rows, ROWS.length);
      assert.deepEqual(
        r.features.map((f) => f.column),
        e.features.map((f) => f.column),
      );
      assert.equal(r.datasetDrift, false);
      restore();
      // Both threads see the same rows now.
      const again = await runner.run(monitorConfig("steady"));
      const now = await w.platform.monitoring.runConfig(monitorConfig("steady"));
      assert.deepEqual(comparable(again[0] as MonitorResult), {
        ...comparable(now.results[0] as MonitorResult),
        windowStart: (again[0] as MonitorResult).windowStart,
        windowEnd: (again[0] as MonitorResult).windowEnd,
      });
    } finally {
      if (statSync(reference).isFIFO()) restore();
      await runner.close();
    }
  });

  test("while requests are served, a run gives way (pauses) and its results are the same", async () => {
    const activity = new ServingActivity();
    const runner = new WorkerMonitorRunner(stores(), { clock: systemClock, activity: activity.buffer, cpuShare: 0.25 });
    const plain = new WorkerMonitorRunner(stores(), { clock: systemClock });
    // Requests "served" all along: the count moves every millisecond.
    const serving = setInterval(() => activity.mark(), 1);
    try {
      const paced = await runner.run(monitorConfig("steady"));
      const unpaced = await plain.run(monitorConfig("steady"));
      assert.ok(runner.pausedMs > 0, "the run paused");
      assert.equal(plain.pausedMs, 0);
      // The paced result says it paused; otherwise equal but for the window's end (each run's "now").
      for (const r of paced)
        assert.match(
          r.notes.at(-1) ?? "",
          /^the run paused \d+\.\d s in all to give way to predictions being served \(up --monitor-cpu 25%\)$/,
        );
      const same = (r: MonitorResult) => ({
        ...comparable(r),
        windowEnd: 0,
        notes: r.notes.filter((n) => !n.startsWith("the run paused")),
      });
      assert.deepEqual(paced.map(same), unpaced.map(same));
      assert.ok(unpaced.every((r) => !r.notes.some((n) => n.startsWith("the run paused"))));
    } finally {
      clearInterval(serving);
      await runner.close();
      await plain.close();
    }
  });

  test("a run over its time budget is cancelled and says so; the next run starts a new thread", async () => {
    pipe();
    const runner = new WorkerMonitorRunner(stores(), { clock: systemClock });
    try {
      // The run waits for the pipe forever: any budget is overrun.
      await assert.rejects(
        runner.run(monitorConfig("steady"), { budgetMs: 200 }),
        /cancelled: the run took longer than its time budget/,
      );
      // The stopped thread's open of the pipe is still pending in the thread pool: restore lets it go.
      restore();
      const [r] = await runner.run(monitorConfig("steady"));
      assert.ok(r && r.rows > 0 && r.error === undefined, JSON.stringify(r));
    } finally {
      if (statSync(reference).isFIFO()) restore();
      await runner.close();
    }
  });
});

/** The nice value in a /proc stat line (field 19, counted after the parenthesised command). */
function niceOf(path: string): number {
  const text = readFileSync(path, "utf8");
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return Number(fields[16]);
}
