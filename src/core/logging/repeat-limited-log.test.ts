import assert from "node:assert/strict";
import { test } from "node:test";
import { repeatLimitedLog } from "./repeat-limited-log.js";

test("a repeated line is said once per window, then with how many were left out", () => {
  const lines: string[] = [];
  let t = 0;
  const log = repeatLimitedLog((l) => lines.push(l), {
    windowMs: 1000,
    now: () => t,
    key: (l) => l.split(" ")[0] as string,
  });
  log("db down 1");
  log("db down 2");
  log("db down 3");
  log("other thing");
  t = 1500;
  log("db down 4");
  log("db down 5");
  assert.deepEqual(lines, ["db down 1", "other thing", "db down 4 (and 2 more like it in the last 2 s)"]);
});
