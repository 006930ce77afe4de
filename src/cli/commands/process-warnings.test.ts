import assert from "node:assert/strict";
import { test } from "node:test";
import { processWarnings } from "./process-warnings.js";

test("a background loop's repeated warning is said once per 10 s with a count, secrets redacted", () => {
  const lines: string[] = [];
  let t = 0;
  const warn = processWarnings({ err: (l) => lines.push(l) }, () => t);
  // Two loops failing every 500 ms for 10.5 s; the port differs between ticks.
  for (let i = 0; i < 22; i++) {
    warn(`rollouts: cannot list: connect ECONNREFUSED 127.0.0.1:${5432 + (i % 2)}`);
    warn("cannot list monitors: postgresql://svc:hunter2@db.internal/mw refused");
    t += 500;
  }
  assert.deepEqual(lines, [
    "warning: rollouts: cannot list: connect ECONNREFUSED 127.0.0.1:5432",
    "warning: cannot list monitors: postgresql://***@db.internal/mw refused",
    "warning: rollouts: cannot list: connect ECONNREFUSED 127.0.0.1:5432 (and 19 more like it in the last 10 s)",
    "warning: cannot list monitors: postgresql://***@db.internal/mw refused (and 19 more like it in the last 10 s)",
  ]);
});
