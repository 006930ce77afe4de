import assert from "node:assert/strict";
import { test } from "node:test";
import { TtlCache } from "./ttl-cache.js";

test("an entry is fresh for its period, then only stale for staleMs, and never past its own expiry", () => {
  const clock = { t: 0 };
  const cache = new TtlCache<string, string>(100, 10, () => clock.t, 1000);
  cache.set("a", "alice");
  cache.set("b", "bob", 500);
  clock.t = 99;
  assert.equal(cache.get("a"), "alice");
  assert.equal(cache.stale("a")?.value, "alice", "a fresh entry is also good as a stale one");
  clock.t = 100;
  assert.equal(cache.get("a"), undefined, "past its period");
  assert.equal(cache.has("a"), false);
  assert.deepEqual(cache.stale("a"), { value: "alice" }, "kept for stale use");
  clock.t = 499;
  assert.deepEqual(cache.stale("b"), { value: "bob" });
  clock.t = 500;
  assert.equal(cache.stale("b"), undefined, "never past the expiry it was given");
  clock.t = 1099;
  assert.deepEqual(cache.stale("a"), { value: "alice" });
  clock.t = 1100;
  assert.equal(cache.stale("a"), undefined, "staleMs after its period it is gone");
});

test("without staleMs an expired entry is gone; a stored undefined is told apart from no entry", () => {
  const clock = { t: 0 };
  const cache = new TtlCache<string, string | undefined>(100, 10, () => clock.t);
  cache.set("none", undefined);
  assert.equal(cache.has("none"), true);
  assert.deepEqual(cache.stale("none"), { value: undefined });
  assert.equal(cache.stale("other"), undefined);
  clock.t = 100;
  assert.equal(cache.stale("none"), undefined);
});
