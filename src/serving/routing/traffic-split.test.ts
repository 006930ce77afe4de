import assert from "node:assert/strict";
import { test } from "node:test";
import { seededRandom } from "../../core/random.js";
import { bucketOf, routesToCandidate } from "./traffic-split.js";

const keys = Array.from({ length: 20_000 }, (_, i) => `${1000 + i}-CUST`);

test("buckets are spread evenly over keys", () => {
  const counts = new Array(10).fill(0);
  for (const k of keys) counts[Math.floor(bucketOf(k) / 1000)]++;
  for (const c of counts) assert.ok(Math.abs(c - 2000) < 200, `decile count ${c}`);
});

test("a key keeps its variant while the weight is unchanged", () => {
  const rnd = seededRandom(1);
  for (const k of keys.slice(0, 500)) {
    const first = routesToCandidate(25, k, rnd);
    for (let i = 0; i < 3; i++) assert.equal(routesToCandidate(25, k, rnd), first);
  }
});

test("the candidate's share matches the weight, and raising it only moves keys to the candidate", () => {
  const rnd = seededRandom(2);
  const at5 = keys.filter((k) => routesToCandidate(5, k, rnd));
  const at25 = new Set(keys.filter((k) => routesToCandidate(25, k, rnd)));
  assert.ok(Math.abs(at5.length / keys.length - 0.05) < 0.01, `5% got ${at5.length}`);
  assert.ok(Math.abs(at25.size / keys.length - 0.25) < 0.015, `25% got ${at25.size}`);
  for (const k of at5) assert.ok(at25.has(k), `key ${k} left the candidate when the weight rose`);
});

test("weights 0 and 100 are absolute; without a key the split is random at the weight", () => {
  const rnd = seededRandom(3);
  assert.equal(routesToCandidate(0, "x", rnd), false);
  assert.equal(routesToCandidate(100, "x", rnd), true);
  let n = 0;
  for (let i = 0; i < 20_000; i++) if (routesToCandidate(10, undefined, rnd)) n++;
  assert.ok(Math.abs(n / 20_000 - 0.1) < 0.01, `10% got ${n}`);
});
