import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { MwError } from "../../core/errors.js";
import type { PipelineSpec, TriggerSpec } from "../pipeline-spec.js";
import type { FileEntry } from "./folder-watch.js";
import type { FiredTrigger, Timers } from "./trigger-scheduler.js";
import { TriggerScheduler } from "./trigger-scheduler.js";

const T0 = Date.parse("2026-03-02T09:58:30Z");
const MIN = 60_000;

function pipeline(name: string, triggers: TriggerSpec[]): PipelineSpec {
  return { name, params: {}, concurrency: "queue", triggers, steps: [] };
}

function world(pipelines: PipelineSpec[]) {
  const w = {
    time: T0,
    started: [] as { pipeline: string; fired: FiredTrigger }[],
    warnings: [] as string[],
    files: [] as FileEntry[],
    failFor: new Set<string>(),
  };
  const scheduler = new TriggerScheduler(pipelines, {
    clock: { now: () => w.time },
    start: (pipeline, fired) => {
      if (w.failFor.has(pipeline)) throw new Error("runner is down");
      w.started.push({ pipeline, fired });
    },
    listFolder: async () => w.files,
    secret: (name) => (name === "HOOK_SECRET" ? "s3cret" : undefined),
    warn: (m) => w.warnings.push(m),
  });
  return Object.assign(w, { scheduler });
}

test("cron: a due schedule starts once per due time; downtime gives one run, not a storm", async () => {
  const w = world([
    pipeline("hourly", [{ type: "cron", schedule: "0 * * * *" }]),
    pipeline("every5", [{ type: "cron", schedule: "*/5 * * * *" }]),
  ]);
  assert.deepEqual(
    w.scheduler.nextRuns().map((r) => [r.pipeline, r.next.toISOString()]),
    [
      ["hourly", "2026-03-02T10:00:00.000Z"],
      ["every5", "2026-03-02T10:00:00.000Z"],
    ],
  );
  assert.deepEqual(await w.scheduler.tick(), []);
  w.time = Date.parse("2026-03-02T10:00:05Z");
  assert.deepEqual(await w.scheduler.tick(), ["hourly", "every5"]);
  assert.deepEqual(await w.scheduler.tick(), [], "not twice for the same time");
  assert.equal(w.started[0]?.fired.data.scheduled_time, "2026-03-02T10:00:00.000Z");
  assert.match(w.started[0]?.fired.reason ?? "", /^cron 0 \* \* \* \* \(due 2026-03-02T10:00:00.000Z\)$/);
  // Down for 3 hours: one run each, and the next time counts from now.
  w.time = Date.parse("2026-03-02T13:07:00Z");
  w.started.length = 0;
  assert.deepEqual(await w.scheduler.tick(), ["hourly", "every5"]);
  assert.equal(w.started[1]?.fired.data.scheduled_time, "2026-03-02T10:05:00.000Z");
  assert.equal(w.started[1]?.fired.data.late_ms, 3 * 60 * MIN + 2 * MIN);
  assert.deepEqual(
    w.scheduler.nextRuns().map((r) => r.next.toISOString()),
    ["2026-03-02T14:00:00.000Z", "2026-03-02T13:10:00.000Z"],
  );
});

test("cron: reloading keeps unchanged schedules; a bad schedule names the pipeline and changes nothing", async () => {
  const p = pipeline("nightly", [{ type: "cron", schedule: "0 2 * * *" }]);
  const w = world([p]);
  w.time = T0 + 10 * MIN;
  w.scheduler.setPipelines([p, pipeline("new", [{ type: "cron", schedule: "@hourly" }])]);
  assert.deepEqual(
    w.scheduler.nextRuns().map((r) => r.next.toISOString()),
    ["2026-03-03T02:00:00.000Z", "2026-03-02T11:00:00.000Z"],
  );
  const bad = [pipeline("broken", [{ type: "cron", schedule: "0 25 * * *" }])];
  assert.throws(
    () => w.scheduler.setPipelines(bad),
    (e) => e instanceof MwError && /^Pipeline 'broken': .*hour field '25'/.test(e.message),
  );
  assert.throws(
    () => w.scheduler.setPipelines([pipeline("tz", [{ type: "cron", schedule: "* * * * *", timezone: "Asia/Tokyo" }])]),
    /only UTC/,
  );
  assert.equal(w.scheduler.nextRuns().length, 2);
});

test("folder: a new file starts the pipeline once it is stable, with the file in the data", async () => {
  const w = world([pipeline("ingest", [{ type: "folder", path: "/drop", pattern: "*.csv" }])]);
  w.files = [{ name: "old.csv", size: 5, mtimeMs: 1 }];
  await w.scheduler.tick();
  w.files.push({ name: "day2.csv", size: 100, mtimeMs: 2 });
  assert.deepEqual(await w.scheduler.tick(), []);
  assert.deepEqual(await w.scheduler.tick(), ["ingest"]);
  assert.deepEqual(w.started[0]?.fired.data, { file: "/drop/day2.csv" });
  assert.deepEqual(await w.scheduler.tick(), []);
});

test("git: branch filters and signatures", async () => {
  const w = world([
    pipeline("ci-main", [{ type: "git", branch: "main" }]),
    pipeline("release", [{ type: "git", branch: "release/*", secretEnv: "HOOK_SECRET" }]),
    pipeline("unset-secret", [{ type: "git", secretEnv: "MISSING" }]),
    pipeline("cron-only", [{ type: "cron", schedule: "@daily" }]),
  ]);
  const push = (branch: string) => ({
    ref: `refs/heads/${branch}`,
    after: "a".repeat(40),
    repository: { full_name: "acme/churn" },
  });
  assert.deepEqual(await w.scheduler.onGitPush(push("main")), ["ci-main"]);
  assert.deepEqual(w.started[0]?.fired.data, { branch: "main", commit: "a".repeat(40), repository: "acme/churn" });
  assert.deepEqual(await w.scheduler.onGitPush(push("release/2")), [], "unsigned");
  const body = JSON.stringify(push("release/2"));
  const signature = `sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`;
  assert.deepEqual(await w.scheduler.onGitPush(JSON.parse(body), { rawBody: body, signature }), ["release"]);
  assert.deepEqual(await w.scheduler.onGitPush(JSON.parse(body), { rawBody: body, signature: "sha256=00" }), []);
  assert.deepEqual(await w.scheduler.onGitPush({ ...push("main"), ref: "refs/tags/v1" }), []);
  assert.ok(w.warnings.some((m) => /MISSING is not set/.test(m)));
  assert.ok(w.warnings.some((m) => /bad signature/.test(m)));
});

test("alerts start pipelines whose filter matches; a failing start is a warning", async () => {
  const w = world([
    pipeline("retrain-prod", [{ type: "alert", deployment: "prod", rule: "drift" }]),
    pipeline("retrain-any", [{ type: "alert" }]),
    pipeline("broken", [{ type: "alert" }]),
  ]);
  w.failFor.add("broken");
  assert.deepEqual(await w.scheduler.onAlert({ deployment: "prod", rule: "drift", message: "PSI 0.4" }), [
    "retrain-prod",
    "retrain-any",
  ]);
  assert.equal(w.started[0]?.fired.reason, "alert drift on prod: PSI 0.4");
  assert.deepEqual(await w.scheduler.onAlert({ deployment: "staging", rule: "drift" }), ["retrain-any"]);
  assert.ok(w.warnings.some((m) => /could not start pipeline 'broken'.*runner is down/.test(m)));
});

test("start/stop drive ticks through the injected timers", async () => {
  const calls: { fn: () => void; ms: number }[] = [];
  let cleared = 0;
  const timers: Timers = {
    setInterval: (fn, ms) => calls.push({ fn, ms }),
    clearInterval: () => {
      cleared++;
    },
  };
  let time = T0;
  const started: string[] = [];
  const s = new TriggerScheduler([pipeline("p", [{ type: "cron", schedule: "* * * * *" }])], {
    clock: { now: () => time },
    start: (name) => {
      started.push(name);
    },
    timers,
  });
  s.start(1000);
  s.start(1000);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]?.ms, 1000);
  time += MIN;
  calls[0]?.fn();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, ["p"]);
  s.stop();
  s.stop();
  assert.equal(cleared, 1);
});
