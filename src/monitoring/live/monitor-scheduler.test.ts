/** The scheduler runs due monitors one at a time, logs failures and keeps going, and stops cleanly. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import { memoryLeases } from "../../core/leases/test-support/memory-leases.js";
import type { MonitorConfig } from "./monitor.js";
import { MonitorScheduler } from "./monitor-scheduler.js";
import type { RunOutcome } from "./monitoring-service.js";
import { monitorConfig } from "./test-support/monitor-config.js";

test("due monitors run one at a time; a failure is logged and the next still runs; stop waits", async () => {
  const ran: string[] = [];
  const warnings: string[] = [];
  let active = 0;
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const service = {
    due: async () =>
      ["a", "b", "c"].map((d) => monitorConfig(d, { intervalMs: 1000, window: { kind: "rows", rows: 10 } })),
    runConfig: async (c: MonitorConfig): Promise<RunOutcome> => {
      active++;
      assert.equal(active, 1, "one job at a time");
      if (c.deployment === "c") await gate;
      ran.push(c.deployment);
      active--;
      if (c.deployment === "a") throw new Error("store down");
      return { results: [], changes: [] };
    },
  };
  const s = new MonitorScheduler(service, { tickMs: 10_000, warn: (m) => warnings.push(m) });
  const first = s.tick();
  assert.equal(s.tick(), first, "a tick while one runs joins it");
  while (ran.length < 2) await new Promise((r) => setImmediate(r));
  // Stopping while c runs waits for c.
  let stopped = false;
  const stopping = s.stop().then(() => {
    stopped = true;
  });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(stopped, false);
  release();
  await stopping;
  await first;
  assert.deepEqual(ran, ["a", "b", "c"]);
  assert.deepEqual(warnings, ["monitor of a failed: store down"]);
  const failing = new MonitorScheduler(
    {
      due: async () => {
        throw new Error("db closed");
      },
      runConfig: service.runConfig,
    },
    { warn: (m) => warnings.push(m) },
  );
  await failing.tick();
  assert.equal(warnings.at(-1), "cannot list monitors: db closed");
});

test("two replicas' schedulers: each monitor runs on the one holding its lease; the other takes over after a lease period", async () => {
  let now = 1000;
  const clock = { now: () => now };
  const store = memoryLeases();
  const ran: string[] = [];
  const replica = (name: string) =>
    new MonitorScheduler(
      {
        due: async () => [monitorConfig("prod", { intervalMs: 1000, window: { kind: "rows", rows: 10 } })],
        runConfig: async (): Promise<RunOutcome> => {
          ran.push(name);
          return { results: [], changes: [] };
        },
      },
      { warn: () => {}, leases: new LeaseKeeper({ store, clock, periodMs: 3000, owner: name }) },
    );
  const a = replica("a");
  const b = replica("b");
  for (let i = 0; i < 3; i++) {
    await a.tick();
    await b.tick();
    now += 1000;
  }
  assert.deepEqual(ran, ["a", "a", "a"], "only the holder runs it");
  // a dies: b runs the monitor once a's last renewal is a lease period old.
  ran.length = 0;
  now += 3000;
  await b.tick();
  assert.deepEqual(ran, ["b"]);
});
