import assert from "node:assert/strict";
import { test } from "node:test";
import { Pacer } from "./pacer.js";
import { ServingActivity } from "./serving-activity.js";

/** A pacer on a fake clock whose sleeps advance it (and run `during`); the pauses it took. */
function fakePacer(share: number, activity: ServingActivity, during: (slept: number) => void = () => {}) {
  let now = 0;
  const pauses: number[] = [];
  const pacer = new Pacer(activity, {
    share,
    now: () => now,
    sleep: async (ms) => {
      pauses.push(ms);
      now += ms;
      during(pauses.length);
    },
  });
  return { pacer, pauses, work: (ms: number) => (now += ms), now: () => now };
}

test("while requests are served, work takes at most its share of the time; without them it never pauses", async () => {
  const activity = new ServingActivity();
  const f = fakePacer(0.1, activity);
  f.work(5);
  await f.pacer.pace();
  assert.deepEqual(f.pauses, [], "no request during the stretch");
  f.work(4);
  activity.mark();
  await f.pacer.pace();
  assert.equal(f.pauses.length, 1);
  assert.ok(Math.abs((f.pauses[0] as number) - 36) < 1e-9, "4 ms of work at 10 %: 36 ms paused");
  // Stretches shorter than 2 ms wait to be judged with the next.
  f.work(1);
  activity.mark();
  await f.pacer.pace();
  assert.equal(f.pauses.length, 1);
  f.work(1);
  await f.pacer.pace();
  assert.ok(Math.abs((f.pauses[1] as number) - 18) < 1e-9);
  assert.ok(Math.abs(f.pacer.pausedMs - 54) < 1e-9);
  // Busy 11 ms of 65: the share holds over the whole job.
  assert.ok(11 / f.now() <= 0.1 + 1e-9 + 5 / f.now());
});

test("a long pause is slept in slices and ends once requests stop flowing", async () => {
  const activity = new ServingActivity();
  // 100 ms of work at 10 %: 900 ms to pause, in slices of 250 ms; requests flow during the first two.
  const f = fakePacer(0.1, activity, (slices) => {
    if (slices <= 2) activity.mark();
  });
  f.work(100);
  activity.mark();
  await f.pacer.pace();
  assert.deepEqual(f.pauses, [250, 250, 250], "the third slice saw no request: the pause ends there");
  assert.equal(f.pacer.pausedMs, 750);
  // While requests keep coming the whole pause is taken.
  const busy = new ServingActivity();
  const g = fakePacer(0.1, busy, () => busy.mark());
  g.work(100);
  busy.mark();
  await g.pacer.pace();
  assert.deepEqual(g.pauses, [250, 250, 250, 150]);
});

test("a share of 1 never pauses; shares outside (0, 1] are refused", async () => {
  const activity = new ServingActivity();
  const f = fakePacer(1, activity);
  f.work(50);
  activity.mark();
  await f.pacer.pace();
  assert.deepEqual(f.pauses, []);
  assert.throws(() => new Pacer(activity, { share: 0 }), /share must be in \(0, 1\]/);
  assert.throws(() => new Pacer(activity, { share: 1.5 }), /share must be in \(0, 1\]/);
});

test("another thread sees the count through the shared buffer", () => {
  const a = new ServingActivity();
  const b = new ServingActivity(a.buffer);
  a.mark();
  a.mark();
  assert.equal(b.count(), 2);
});
