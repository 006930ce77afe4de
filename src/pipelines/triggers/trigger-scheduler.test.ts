import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { test } from "node:test";
import { MwError } from "../../core/errors.js";
import { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import { memoryLeases } from "../../core/leases/test-support/memory-leases.js";
import type { PipelineSpec, TriggerSpec } from "../pipeline-spec.js";
import type { FileEntry } from "./folder-watch.js";
import { GitDeliveries } from "./git-deliveries.js";
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
    pipeline("ci-main", [{ type: "git", branch: "main", secretEnv: "HOOK_SECRET" }]),
    pipeline("release", [{ type: "git", branch: "release/*", secretEnv: "HOOK_SECRET" }]),
    pipeline("unset-secret", [{ type: "git", secretEnv: "MISSING" }]),
    pipeline("cron-only", [{ type: "cron", schedule: "@daily" }]),
  ]);
  const push = (branch: string, commit = "a".repeat(40)) => ({
    ref: `refs/heads/${branch}`,
    after: commit,
    repository: { full_name: "acme/churn" },
  });
  const signed = (body: unknown, secret = "s3cret") => {
    const rawBody = JSON.stringify(body);
    return { rawBody, signature: `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}` };
  };
  const send = (body: unknown, auth?: { rawBody: string; signature: string }) =>
    w.scheduler.onGitPush(body, auth ?? signed(body));
  assert.deepEqual(await send(push("main")), { started: ["ci-main"], duplicate: false });
  assert.deepEqual(w.started[0]?.fired.data, { branch: "main", commit: "a".repeat(40), repository: "acme/churn" });
  assert.deepEqual(await w.scheduler.onGitPush(push("release/2")), { started: [], duplicate: false }, "unsigned");
  assert.deepEqual(await send(push("release/2", "b".repeat(40))), { started: ["release"], duplicate: false });
  const bad = { rawBody: JSON.stringify(push("release/3")), signature: "sha256=00" };
  assert.deepEqual(await send(push("release/3"), bad), { started: [], duplicate: false });
  assert.deepEqual(await send(push("release/3"), signed(push("release/3"), "other")), {
    started: [],
    duplicate: false,
  });
  assert.deepEqual(await send({ ...push("main"), ref: "refs/tags/v1" }), { started: [], duplicate: false });
  assert.ok(w.warnings.some((m) => /MISSING is not set/.test(m)));
  assert.ok(w.warnings.some((m) => /bad signature/.test(m)));
});

test("git: branch, commit and repository must follow git's rules; nothing starts otherwise", async () => {
  const w = world([pipeline("any", [{ type: "git", secretEnv: "HOOK_SECRET" }])]);
  const body = (ref: string, after = "c".repeat(40), repo = "acme/churn") => ({
    ref,
    after,
    repository: { full_name: repo },
  });
  const send = (b: unknown) => {
    const rawBody = JSON.stringify(b);
    const signature = `sha256=${createHmac("sha256", "s3cret").update(rawBody).digest("hex")}`;
    return w.scheduler.onGitPush(b, { rawBody, signature });
  };
  for (const ref of [
    "refs/heads/x$(id>pwned)",
    "refs/heads/a..b",
    "refs/heads/a b",
    "refs/heads/x.lock",
    "refs/heads/.hidden",
    "refs/heads/a//b",
    "refs/heads/a/",
    "refs/heads/a@{1}",
    "refs/heads/-rf",
    "refs/heads/`id`",
    `refs/heads/${"a".repeat(256)}`,
  ]) {
    await assert.rejects(send(body(ref)), (e) => e instanceof MwError && /'ref'/.test(e.message), ref);
  }
  await assert.rejects(send(body("refs/heads/main", "abc")), /'after': expected 40 or 64 lowercase hex digits/);
  await assert.rejects(send(body("refs/heads/main", `${"a".repeat(39)};`)), /'after'/);
  await assert.rejects(send(body("refs/heads/main", undefined, "acme/x;y")), /'repository.full_name'/);
  assert.deepEqual(w.started, []);
  assert.deepEqual(await send(body("refs/heads/feature/JIRA-12_fix.v2+x=y@z", "d".repeat(64))), {
    started: ["any"],
    duplicate: false,
  });
});

test("git: the same delivery (id or signed body) starts nothing the second time", async () => {
  const w = world([pipeline("any", [{ type: "git", secretEnv: "HOOK_SECRET" }])]);
  const stored = new Set<string>();
  const deliveries = new GitDeliveries({ max: 2, stored: async (k) => stored.has(k.digest) });
  const scheduler = new TriggerScheduler([pipeline("any", [{ type: "git", secretEnv: "HOOK_SECRET" }])], {
    clock: { now: () => w.time },
    start: (p, fired) => {
      w.started.push({ pipeline: p, fired });
    },
    secret: () => "s3cret",
    deliveries,
  });
  const send = (commit: string, deliveryId?: string) => {
    const b = { ref: "refs/heads/main", after: commit, repository: { full_name: "acme/churn" } };
    const rawBody = JSON.stringify(b);
    const signature = `sha256=${createHmac("sha256", "s3cret").update(rawBody).digest("hex")}`;
    return scheduler.onGitPush(b, { rawBody, signature, ...(deliveryId ? { deliveryId } : {}) });
  };
  assert.deepEqual(await send("a".repeat(40), "d-1"), { started: ["any"], duplicate: false });
  assert.deepEqual(await send("a".repeat(40), "d-1"), { started: [], duplicate: true }, "redelivered");
  assert.deepEqual(await send("a".repeat(40), "d-2"), { started: [], duplicate: true }, "replayed body, new id");
  assert.deepEqual(await send("b".repeat(40), "d-1"), { started: [], duplicate: true }, "same id, other body");
  assert.deepEqual(await send("c".repeat(40), "d-3"), { started: ["any"], duplicate: false });
  assert.equal(w.started.length, 2);
  assert.equal(w.started[0]?.fired.delivery?.id, "d-1");
  assert.equal(w.started[0]?.fired.data.delivery_id, "d-1");
  // Beyond the memory's bound, the stored runs still know the body.
  for (const c of ["e", "f", "0"]) await send(c.repeat(40), `d-${c}`);
  const first = JSON.stringify({
    ref: "refs/heads/main",
    after: "a".repeat(40),
    repository: { full_name: "acme/churn" },
  });
  stored.add(createHash("sha256").update(first).digest("hex"));
  assert.deepEqual(await send("a".repeat(40), "d-new"), { started: [], duplicate: true });
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

test("two replicas: cron fires on the lease holder only; after it dies the other fires the next time, not the last one again", async () => {
  let time = T0;
  const clock = { now: () => time };
  const store = memoryLeases();
  const started: string[] = [];
  const replica = (name: string) =>
    new TriggerScheduler([pipeline("p", [{ type: "cron", schedule: "* * * * *" }])], {
      clock,
      start: () => {
        started.push(name);
      },
      leases: new LeaseKeeper({ store, clock, periodMs: 5000, owner: name }),
    });
  const a = replica("a");
  const b = replica("b");
  for (let i = 0; i < 3; i++) {
    time += MIN;
    await a.tick();
    await b.tick();
  }
  assert.deepEqual(started, ["a", "a", "a"]);
  // a dies just after firing; b's tick after the lease period fires nothing (that time was a's) …
  time += 6000;
  await b.tick();
  assert.deepEqual(started, ["a", "a", "a"]);
  // … and b fires the next time.
  time += MIN;
  await b.tick();
  assert.deepEqual(started, ["a", "a", "a", "b"]);
});
