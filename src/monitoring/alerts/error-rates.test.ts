/** Error rates over a window from running totals: differences against the reading a window ago; restarts and idle deployments. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorRateTracker } from "./error-rates.js";

test("the 5xx share since the newest reading at least a window old", () => {
  let time = 0;
  let totals: { requests: number; errors: number } | undefined = { requests: 0, errors: 0 };
  const t = new ErrorRateTracker(() => totals, { now: () => time });
  assert.equal(t.rate("prod", 60_000), undefined, "no earlier reading");
  time = 30_000;
  totals = { requests: 100, errors: 1 };
  assert.deepEqual(
    t.rate("prod", 60_000),
    { rate: 0.01, requests: 100, errors: 1 },
    "younger than a window: from the oldest",
  );
  time = 90_000;
  totals = { requests: 300, errors: 21 };
  // The newest reading at least 60 s old is the one at 30 s.
  assert.deepEqual(t.rate("prod", 60_000), { rate: 0.1, requests: 200, errors: 20 });
  time = 100_000;
  assert.deepEqual(t.rate("prod", 60_000), { rate: 0.1, requests: 200, errors: 20 });
  time = 200_000;
  assert.equal(t.rate("prod", 60_000), undefined, "no requests in the window");
  totals = { requests: 5, errors: 5 };
  time = 210_000;
  assert.equal(t.rate("prod", 60_000), undefined, "totals went back (a restart): start again");
  totals = undefined;
  assert.equal(t.rate("prod", 60_000), undefined, "not served here");
});
