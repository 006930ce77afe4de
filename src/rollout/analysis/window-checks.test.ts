import assert from "node:assert/strict";
import { test } from "node:test";
import type { VariantWindow } from "./window-checks.js";
import { checkWindow, DEFAULT_WINDOW_THRESHOLDS, equalMassBins, supportedQuantile } from "./window-checks.js";

const LAT = [0.001, 0.002, 0.005, 0.01, 0.025];
const SCORE = [0.25, 0.5, 0.75, 1];

function variant(fields: Partial<VariantWindow> = {}): VariantWindow {
  return {
    requests: 1000,
    errors: 0,
    latency: { bounds: LAT, counts: [900, 100, 0, 0, 0, 0] },
    scores: { bounds: SCORE, counts: [400, 300, 200, 100, 0] },
    ...fields,
  };
}

const verdicts = (results: ReturnType<typeof checkWindow>) =>
  Object.fromEntries(results.map((r) => [r.check, r.passed]));

test("a candidate like the primary passes every check, each with its value and threshold", () => {
  const results = checkWindow(variant(), variant({ errors: 5 }));
  assert.deepEqual(verdicts(results), { traffic: true, "error-rate": true, "latency-p99": true, "score-psi": true });
  const err = results.find((r) => r.check === "error-rate");
  assert.equal(err?.value, 0.005);
  assert.equal(err?.threshold, 0.01);
  assert.match(err?.detail ?? "", /0\.50 % errors vs primary 0\.00 % \+ 1\.00 %/);
});

test("errors above the primary's plus one point, a slow p99, shifted scores each fail their check", () => {
  assert.equal(verdicts(checkWindow(variant({ errors: 10 }), variant({ errors: 21 })))["error-rate"], false);
  // Primary p99 ≈ 1.9 ms → threshold max(2.9, 6.9) ms; candidate's p99 in (10, 25] ms.
  const slow = variant({ latency: { bounds: LAT, counts: [0, 0, 0, 500, 500, 0] } });
  const lat = checkWindow(variant(), slow).find((r) => r.check === "latency-p99");
  assert.equal(lat?.passed, false);
  assert.ok(Math.abs((lat?.threshold ?? 0) - (1.9 + 5)) < 1e-9, String(lat?.threshold));
  const shifted = variant({ scores: { bounds: SCORE, counts: [100, 200, 300, 400, 0] } });
  assert.equal(verdicts(checkWindow(variant(), shifted))["score-psi"], false);
});

test("too little candidate traffic is a failed check on its own; no primary traffic is no baseline", () => {
  assert.deepEqual(
    checkWindow(variant(), variant({ requests: 3 })).map((r) => [r.check, r.passed]),
    [["traffic", false]],
  );
  const idle = variant({
    requests: 0,
    latency: { bounds: LAT, counts: [0, 0, 0, 0, 0, 0] },
    scores: { bounds: SCORE, counts: [0, 0, 0, 0, 0] },
  });
  const results = checkWindow(idle, variant());
  assert.deepEqual(verdicts(results), { traffic: true, "error-rate": true, "latency-p99": true, "score-psi": true });
  assert.match(results.find((r) => r.check === "latency-p99")?.detail ?? "", /the primary served 0 requests, too few/);
});

test("PSI merges buckets into bins of equal primary mass and needs 100 candidate scores", () => {
  assert.deepEqual(equalMassBins([50, 0, 30, 20, 0], 2), [
    [0, 1],
    [1, 5],
  ]);
  const few = checkWindow(variant(), variant({ scores: { bounds: SCORE, counts: [0, 0, 0, 50, 0] } }));
  const psiFew = few.find((r) => r.check === "score-psi");
  assert.equal(psiFew?.passed, true);
  assert.match(psiFew?.detail ?? "", /50 candidate and 1000 primary scores.*needs 100/);
  const many = checkWindow(variant(), variant({ scores: { bounds: SCORE, counts: [0, 0, 0, 500, 0] } }));
  assert.equal(many.find((r) => r.check === "score-psi")?.passed, false);
});

test("the latency quantile compared is the highest the smaller sample supports: one slow request in 40 is not a slow candidate", () => {
  assert.equal(supportedQuantile(1000), 0.99);
  assert.equal(supportedQuantile(40), 0.875);
  assert.equal(supportedQuantile(6), 0.5);
  // 40 candidate requests: 39 fast, one 30 ms pause.
  const oneOutlier = variant({ requests: 40, latency: { bounds: LAT, counts: [39, 0, 0, 0, 0, 1] } });
  const r = checkWindow(variant(), oneOutlier, { ...DEFAULT_WINDOW_THRESHOLDS, minRequests: 10 });
  const lat = r.find((c) => c.check === "latency-p99");
  assert.equal(lat?.passed, true, lat?.detail);
  assert.match(lat?.detail ?? "", /p87\.5 .*the highest quantile 40 requests support/);
  // All 40 slow: still caught.
  const allSlow = variant({ requests: 40, latency: { bounds: LAT, counts: [0, 0, 0, 0, 0, 40] } });
  const slow = checkWindow(variant(), allSlow, { ...DEFAULT_WINDOW_THRESHOLDS, minRequests: 10 });
  assert.equal(slow.find((c) => c.check === "latency-p99")?.passed, false);
});
