import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { histogramQuantile } from "./histogram-quantile.js";
import { ServingMetrics } from "./serving-metrics.js";
import { TrafficWindows } from "./traffic-windows.js";

describe("histogramQuantile", () => {
  test("interpolates inside the bucket holding the rank, as histogram_quantile does", () => {
    // 10 values in (0, 1], 10 in (1, 2]: the median is the top of the first bucket, p75 mid-second.
    assert.equal(histogramQuantile(0.5, [1, 2], [10, 10, 0]), 1);
    assert.equal(histogramQuantile(0.75, [1, 2], [10, 10, 0]), 1.5);
    assert.equal(histogramQuantile(0.5, [1, 2], [0, 4, 0]), 1.5);
  });
  test("null without values; the last bound when the rank is in the open bucket", () => {
    assert.equal(histogramQuantile(0.99, [1, 2], [0, 0, 0]), null);
    assert.equal(histogramQuantile(0.99, [1, 2], [1, 0, 9]), 2);
  });
});

describe("TrafficWindows", () => {
  const primary = { deployment: "d", model: "m", version: "1", variant: "primary" };

  test("a window is the difference from the newest snapshot at least that old", () => {
    let now = 0;
    const metrics = new ServingMetrics();
    const w = new TrafficWindows(metrics, () => ["d"], { now: () => now }, { everyMs: 1000, keepMs: 10_000 });
    w.snapshot();
    for (let i = 0; i < 10; i++) metrics.observeRequest(primary, "mlflow", 200, 0.001);
    now = 5_000;
    w.snapshot();
    for (let i = 0; i < 5; i++) metrics.observeRequest(primary, "mlflow", 404, 0.001);
    now = 10_000;
    const last5 = w.window("d", 5_000)?.get("primary");
    assert.deepEqual([last5?.requests, last5?.requestsPerSecond, last5?.errorRate], [5, 1, 1]);
    const all = w.window("d", 10_000)?.get("primary");
    assert.deepEqual([all?.requests, all?.errorRate], [15, 5 / 15]);
    assert.ok(all?.p50Ms !== null && (all?.p50Ms as number) > 0.5 && (all?.p50Ms as number) <= 1);
    const candidate = w.window("d", 5_000)?.get("candidate");
    assert.deepEqual([candidate?.requests, candidate?.errorRate, candidate?.p99Ms], [0, 0, null]);
  });

  test("a young process differences from its oldest snapshot and rates over the time it covers", () => {
    let now = 0;
    const metrics = new ServingMetrics();
    const w = new TrafficWindows(metrics, () => ["d"], { now: () => now });
    w.snapshot();
    for (let i = 0; i < 20; i++) metrics.observeRequest(primary, "mlflow", 200, 0.001);
    now = 10_000;
    const t = w.window("d", 60_000)?.get("primary");
    assert.deepEqual([t?.requests, t?.requestsPerSecond], [20, 2]);
  });

  test("old snapshots are dropped, keeping one as the base of the longest window", () => {
    let now = 0;
    const metrics = new ServingMetrics();
    const w = new TrafficWindows(metrics, () => ["d"], { now: () => now }, { keepMs: 10_000 });
    for (; now <= 100_000; now += 1000) {
      metrics.observeRequest(primary, "mlflow", 200, 0.001);
      w.snapshot();
    }
    now -= 1000;
    // Snapshots at 90 s .. 100 s remain: a 10 s window still has its base; a longer one starts there.
    assert.equal(w.window("d", 10_000)?.get("primary")?.requests, 10);
    const long = w.window("d", 60_000)?.get("primary");
    assert.deepEqual([long?.requests, long?.requestsPerSecond], [10, 1]);
  });

  test("a deployment this process does not serve has no live numbers", () => {
    const w = new TrafficWindows(new ServingMetrics(), () => ["d"], { now: () => 0 });
    assert.equal(w.window("other", 60_000), undefined);
  });
});
