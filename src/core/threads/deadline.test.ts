import assert from "node:assert/strict";
import { test } from "node:test";
import { Deadline } from "./deadline.js";

test("expires once at its time; extending moves it; clearing stops it", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  let now = 0;
  const tick = (ms: number) => {
    now += ms;
    t.mock.timers.tick(ms);
  };
  let expired = 0;
  const d = new Deadline(
    100,
    () => expired++,
    () => now,
  );
  tick(60);
  d.extend(50);
  tick(60);
  assert.equal(expired, 0, "moved from 100 to 150");
  tick(30);
  assert.equal(expired, 1);
  tick(500);
  d.extend(10);
  tick(500);
  assert.equal(expired, 1, "once only");

  const cleared = new Deadline(
    10,
    () => expired++,
    () => now,
  );
  cleared.clear();
  tick(100);
  assert.equal(expired, 1);
});
