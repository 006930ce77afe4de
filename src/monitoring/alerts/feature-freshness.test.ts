/** The feature_freshness alert rule: its verdicts and its wire form. */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { MonitorConfig } from "../live/monitor.js";
import { ruleKey } from "../live/monitor.js";
import { evaluateRule } from "./alert-rules.js";

const rule = { type: "feature_freshness" as const, view: "usage", maxAgeMs: 3_600_000 };
const config = {} as MonitorConfig;

test("stale, fresh, never materialized, unknown view, no store", () => {
  const ages = new Map<string, number | null>([
    ["usage", 7_200_000],
    ["empty", null],
  ]);
  const stale = evaluateRule(rule, [], config, undefined, ages);
  assert.deepEqual([stale.holds, stale.value, stale.threshold], [true, 7_200_000, 3_600_000]);
  assert.match(stale.message, /feature view 'usage': newest materialized row is 7200 s old; at most 3600 s/);
  assert.equal(evaluateRule(rule, [], config, undefined, new Map([["usage", 60_000]])).holds, false);
  assert.equal(evaluateRule({ ...rule, view: "empty" }, [], config, undefined, ages).holds, true);
  assert.equal(evaluateRule({ ...rule, view: "ghost" }, [], config, undefined, ages).holds, null);
  assert.equal(evaluateRule(rule, [], config, undefined, undefined).holds, null);
  assert.equal(ruleKey(rule), "feature_freshness:usage");
});
