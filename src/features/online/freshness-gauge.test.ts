import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { registerFeatureFreshness } from "./freshness-gauge.js";

test("the freshness gauge has one series per materialized view, in seconds; a failing read leaves it empty", async () => {
  const registry = new Registry();
  let fail = false;
  registerFeatureFreshness(registry, async () => {
    if (fail) throw new Error("store down");
    return [
      { view: "usage", newest_event_time: 1, age_ms: 90_500, watermark: 2, updated_time: 3 },
      { view: "never", newest_event_time: null, age_ms: null, watermark: null, updated_time: null },
    ];
  });
  const text = await registry.metrics();
  assert.match(text, /^modelworks_feature_freshness_seconds\{view="usage"\} 90\.5$/m);
  assert.doesNotMatch(text, /view="never"/);
  fail = true;
  assert.doesNotMatch(await registry.metrics(), /view="usage"/);
});
