import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, parseDuration } from "./duration.js";

test("parseDuration reads ms, s, m, h and bare seconds", () => {
  assert.equal(parseDuration("interval", "500ms"), 500);
  assert.equal(parseDuration("interval", "30s"), 30_000);
  assert.equal(parseDuration("interval", "1.5s"), 1500);
  assert.equal(parseDuration("interval", "2m"), 120_000);
  assert.equal(parseDuration("interval", "1h"), 3_600_000);
  assert.equal(parseDuration("interval", "45"), 45_000);
});

test("parseDuration names the field on bad input", () => {
  assert.throws(() => parseDuration("interval", "soon"), /'interval'.*'soon'/);
  assert.throws(() => parseDuration("interval", "-1s"), /'interval'/);
});

test("formatDuration picks the largest whole unit", () => {
  assert.equal(formatDuration(1500), "1500ms");
  assert.equal(formatDuration(30_000), "30s");
  assert.equal(formatDuration(120_000), "2m");
  assert.equal(formatDuration(0), "0s");
});
