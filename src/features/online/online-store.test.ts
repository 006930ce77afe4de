/** The online store contract, on SQLite and (when MODELWORKS_TEST_REDIS_URL is set) on Redis. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { OnlineRecord, OnlineStore } from "./online-store.js";
import { onlineBackends } from "./test-support/online-backends.js";

const rec = (key: string, eventTime: number, values: Record<string, unknown>, createdTime = 0): OnlineRecord => ({
  key,
  eventTime,
  createdTime,
  values,
});

for (const backend of onlineBackends()) {
  describe(`online store contract (${backend.name})`, () => {
    let store: OnlineStore;
    let drop: () => Promise<void>;
    before(async () => {
      ({ store, drop } = await backend.create());
    });
    after(async () => drop());

    it("reads back what was written, in key order, undefined for unknown keys", async () => {
      const counts = await store.write(
        "v1",
        [rec("[1]", 100, { a: 1, b: "x" }), rec("[2]", 200, { a: null, b: "y" })],
        1000,
      );
      assert.deepEqual(counts, { written: 2, skipped: 0 });
      const got = await store.read("v1", ["[2]", "[3]", "[1]"]);
      assert.deepEqual(got, [
        { eventTime: 200, createdTime: 0, values: { a: null, b: "y" } },
        undefined,
        { eventTime: 100, createdTime: 0, values: { a: 1, b: "x" } },
      ]);
      assert.deepEqual(await store.read("other-view", ["[1]"]), [undefined]);
    });

    it("a newer event time replaces; an older one never does; equal times go by created time", async () => {
      await store.write("v2", [rec('["k"]', 100, { a: 1 }, 5)], 1);
      assert.deepEqual(await store.write("v2", [rec('["k"]', 50, { a: 2 }, 9)], 2), { written: 0, skipped: 1 });
      assert.deepEqual(await store.write("v2", [rec('["k"]', 100, { a: 3 }, 4)], 3), { written: 0, skipped: 1 });
      assert.deepEqual((await store.read("v2", ['["k"]']))[0]?.values, { a: 1 });
      await store.write("v2", [rec('["k"]', 100, { a: 4 }, 6)], 4);
      assert.deepEqual((await store.read("v2", ['["k"]']))[0]?.values, { a: 4 });
      await store.write("v2", [rec('["k"]', 101, { a: 5 }, 0)], 5);
      assert.deepEqual(await store.read("v2", ['["k"]']), [{ eventTime: 101, createdTime: 0, values: { a: 5 } }]);
    });

    it("rewriting the same records changes nothing and still counts them as written", async () => {
      const rows = [rec("[7]", 10, { a: 1 }), rec("[8]", 20, { a: 2 })];
      await store.write("v3", rows, 1);
      assert.deepEqual(await store.write("v3", rows, 2), { written: 2, skipped: 0 });
      assert.deepEqual(
        (await store.read("v3", ["[7]", "[8]"])).map((r) => r?.values.a),
        [1, 2],
      );
    });

    it("keeps each view's newest event time, update time and a watermark that only moves forward", async () => {
      assert.deepEqual(await store.viewState("v4"), { view: "v4" });
      await store.write("v4", [rec("[1]", 300, { a: 1 }), rec("[2]", 100, { a: 1 })], 1000);
      await store.write("v4", [rec("[3]", 200, { a: 1 })], 2000);
      await store.advanceWatermark("v4", 500);
      await store.advanceWatermark("v4", 400);
      assert.deepEqual(await store.viewState("v4"), {
        view: "v4",
        watermark: 500,
        newestEventTime: 300,
        updatedTime: 2000,
      });
      assert.ok((await store.listViews()).some((v) => v.view === "v4" && v.watermark === 500));
    });

    it("many records in one write (several chunks), all readable in one batch", async () => {
      const rows = Array.from({ length: 1234 }, (_, i) => rec(`[${i}]`, i, { a: i, s: `s${i}` }));
      assert.deepEqual(await store.write("v5", rows, 1), { written: 1234, skipped: 0 });
      const got = await store.read(
        "v5",
        rows.map((r) => r.key),
      );
      assert.equal(got.length, 1234);
      assert.deepEqual(got[1233], { eventTime: 1233, createdTime: 0, values: { a: 1233, s: "s1233" } });
    });

    it("dropping a view removes its records and state and no other view's", async () => {
      await store.write("v6", [rec("[1]", 1, { a: 1 })], 1);
      await store.write("v6x", [rec("[1]", 1, { a: 2 })], 1);
      await store.dropView("v6");
      assert.deepEqual(await store.read("v6", ["[1]"]), [undefined]);
      assert.deepEqual(await store.viewState("v6"), { view: "v6" });
      assert.deepEqual((await store.read("v6x", ["[1]"]))[0]?.values, { a: 2 });
    });

    it("keys and values with quotes, colons and non-ASCII text round-trip", async () => {
      const key = JSON.stringify(['a:"b"*?', 3]);
      await store.write("v7", [rec(key, 1, { name: 'Zoë: "quoted"', n: -1.5, ok: true })], 1);
      assert.deepEqual((await store.read("v7", [key]))[0]?.values, { name: 'Zoë: "quoted"', n: -1.5, ok: true });
    });
  });
}
