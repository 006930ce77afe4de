import assert from "node:assert/strict";
import { test } from "node:test";
import { MwError } from "../core/errors.js";
import type { Loaded } from "./revalidating-cache.js";
import { RevalidatingCache } from "./revalidating-cache.js";

const settle = () => new Promise((r) => setImmediate(r));

function harness() {
  const clock = { t: 0 };
  const cache = new RevalidatingCache<string, string>({ freshMs: 5, graceMs: 100, maxEntries: 2, now: () => clock.t });
  let answer: () => Promise<Loaded<string>> = async () => ({ value: "v1" });
  let loads = 0;
  const load = () => {
    loads++;
    return answer();
  };
  return {
    clock,
    cache,
    load,
    loads: () => loads,
    answer: (f: () => Promise<Loaded<string>>) => {
      answer = f;
    },
  };
}

test("fresh entries answer from the cache; stale ones answer at once and are refreshed once in the background", async () => {
  const h = harness();
  assert.equal(await h.cache.get("k", h.load), "v1");
  h.clock.t = 4;
  assert.equal(await h.cache.get("k", h.load), "v1");
  assert.equal(h.loads(), 1, "fresh: no load");
  h.clock.t = 6;
  let release: (v: Loaded<string>) => void = () => {};
  h.answer(() => new Promise((r) => (release = r)));
  assert.equal(await h.cache.get("k", h.load), "v1", "stale answers at once");
  assert.equal(h.cache.peek("k", h.load)?.value, "v1");
  assert.equal(h.loads(), 2, "one refresh however many ask");
  release({ value: "v2" });
  await settle();
  assert.equal(h.cache.peek("k")?.value, "v2");
});

test("through an outage a stale entry keeps answering until its grace ends; a refusal drops it at once", async () => {
  const h = harness();
  await h.cache.get("k", h.load);
  h.answer(async () => {
    throw new MwError("TEMPORARILY_UNAVAILABLE", "The metadata database is unavailable.");
  });
  for (const t of [6, 50, 104]) {
    h.clock.t = t;
    assert.equal(await h.cache.get("k", h.load), "v1", `at ${t}`);
    await settle();
  }
  h.clock.t = 105;
  await assert.rejects(h.cache.get("k", h.load), /unavailable/, "past the grace the store must answer");
  h.answer(async () => ({ value: "v1" }));
  await h.cache.get("k", h.load);
  h.clock.t = 200;
  h.answer(async () => {
    throw new MwError("UNAUTHENTICATED", "Invalid, expired or revoked token.");
  });
  assert.equal(h.cache.peek("k", h.load)?.value, "v1", "the answer already given");
  await settle();
  assert.equal(h.cache.peek("k"), undefined, "a revoked credential is gone after its refresh");
});

test("a value is never used past its own expiry, nor stored by a load that a change overtook", async () => {
  const h = harness();
  h.answer(async () => ({ value: "short", expiresAt: 3 }));
  await h.cache.get("k", h.load);
  h.clock.t = 3;
  assert.equal(h.cache.peek("k"), undefined);
  let release: (v: Loaded<string>) => void = () => {};
  h.answer(() => new Promise((r) => (release = r)));
  const pending = h.cache.get("k", h.load);
  h.cache.clear();
  release({ value: "read before the change" });
  assert.equal(await pending, "read before the change");
  assert.equal(h.cache.peek("k"), undefined);
});

test("the oldest entry goes first when the cache is full", async () => {
  const h = harness();
  for (const k of ["a", "b", "c"]) await h.cache.get(k, h.load);
  assert.deepEqual(
    ["a", "b", "c"].map((k) => h.cache.peek(k) !== undefined),
    [false, true, true],
  );
});
