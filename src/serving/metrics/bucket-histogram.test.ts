import assert from "node:assert/strict";
import { test } from "node:test";
import { Histogram, Registry } from "prom-client";
import { BucketHistogram } from "./bucket-histogram.js";
import { LATENCY_BUCKETS } from "./buckets.js";
import { parseSamples, type Sample } from "./test-support/exposition.js";

const key = (s: Sample) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`;

/** Samples keyed by name and sorted labels, so label order in the text does not matter. */
function byKey(text: string): Map<string, number> {
  return new Map(parseSamples(text).map((s) => [key(s), s.value]));
}

test("BucketHistogram exposes the same samples as prom-client's Histogram", async () => {
  const ours = new Registry();
  const theirs = new Registry();
  const config = { name: "x_seconds", help: "x", labelNames: ["a", "b"] as const, buckets: LATENCY_BUCKETS };
  const fast = new BucketHistogram(ours, config);
  const reference = new Histogram({
    ...config,
    labelNames: ["a", "b"],
    buckets: [...LATENCY_BUCKETS],
    registers: [theirs],
  });
  const series = [
    { a: "1", b: "x" },
    { a: "2", b: 'quote " and \\ backslash' },
  ];
  let seed = 7;
  for (const labels of series) {
    const cells = fast.cells(labels);
    for (let i = 0; i < 500; i++) {
      seed = (seed * 48271) % 2147483647;
      // Log-uniform from 10 µs to 20 s, plus every bucket bound exactly.
      const v = i < LATENCY_BUCKETS.length ? LATENCY_BUCKETS[i] : 1e-5 * 2e6 ** (seed / 2147483647);
      cells.observe(v);
      reference.observe(labels, v);
    }
  }
  const a = byKey(await ours.metrics());
  const b = byKey(await theirs.metrics());
  assert.equal(a.size, series.length * (LATENCY_BUCKETS.length + 3));
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [k, v] of b) assert.ok(Math.abs((a.get(k) ?? Number.NaN) - v) <= 1e-9 * Math.abs(v), k);
  const text = await ours.metrics();
  assert.match(text, /^# TYPE x_seconds histogram$/m);
  ours.resetMetrics();
  assert.equal(parseSamples(await ours.metrics()).length, 0);
});
