/** Materialization and online reads over the store contract: windows, watermarks, ttl statuses, bad input. */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { isMwError } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import type { FeatureDefinitions } from "../definitions/feature-spec.js";
import type { LoadedDataset } from "../offline/historical-features.js";
import { feastResponse } from "./feast-response.js";
import type { MaterializeProgress } from "./materialize.js";
import { materialize } from "./materialize.js";
import { entityRows, planOnline, readFeatures } from "./online-features.js";
import type { OnlineStore } from "./online-store.js";
import { onlineBackends } from "./test-support/online-backends.js";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const at = (hours: number) => new Date(T0 + hours * H);

const DEFS: FeatureDefinitions = {
  entities: [{ name: "customer", join_keys: [{ name: "customer_id", type: "int" }] }],
  sources: [{ name: "stats_src", dataset: "stats", timestamp_field: "ts", created_timestamp_column: "created" }],
  feature_views: [
    {
      name: "stats",
      entities: ["customer"],
      source: "stats_src",
      features: [
        { name: "charges", type: "float" },
        { name: "plan", type: "string" },
      ],
      ttl_ms: 2 * H,
      online: true,
    },
    { name: "offline_only", entities: ["customer"], source: "stats_src", features: [], ttl_ms: 0, online: false },
  ],
  feature_services: [{ name: "churn", features: ["stats"] }],
};

const FIRST = () =>
  tableFromColumns({
    customer_id: [1, 1, 1, 2, 3, 1],
    ts: [at(0), at(5), at(5), at(1), at(9), at(4)],
    created: [at(0), at(6), at(7), at(1), at(9), at(8)],
    charges: [10, 20, 30, null, 50, 99],
    plan: ["a", "b", "c", "d", "e", "late"],
  });
let data: Table = FIRST();
const load = async (_name: string, version?: number): Promise<LoadedDataset> => ({
  table: data,
  version: version ?? 1,
  digest: "sha",
});
const clock = { now: () => T0 + 10 * H };

async function read(store: OnlineStore, ids: unknown[], now = clock.now()) {
  const plan = planOnline(DEFS, { service: "churn" });
  const e = entityRows(plan, { customer_id: ids }, 100);
  return feastResponse(e.given, await readFeatures(plan, e.keyValues, e.rows, store, now));
}

for (const backend of onlineBackends()) {
  describe(`materialize and read online (${backend.name})`, () => {
    let store: OnlineStore;
    let drop: () => Promise<void>;
    before(async () => {
      ({ store, drop } = await backend.create());
      data = FIRST();
    });
    after(async () => drop());

    it("writes each entity's latest row in the window (event time, then created time) and moves the watermark", async () => {
      const progress: MaterializeProgress[] = [];
      const r = await materialize(
        { start: T0, end: T0 + 8 * H },
        { definitions: DEFS, loadDataset: load, store, clock, onProgress: (p) => progress.push(p), progressEvery: 2 },
      );
      assert.equal(r.length, 1, "only online views");
      assert.deepEqual(
        { ...r[0], start: r[0]?.start },
        {
          view: "stats",
          dataset: "stats",
          dataset_version: 1,
          start: T0,
          end: T0 + 8 * H,
          source_rows: 6,
          rows_in_window: 5,
          entities: 2,
          written: 2,
          skipped: 0,
          watermark: T0 + 8 * H,
        },
      );
      assert.ok(progress.some((p) => p.phase === "scan" && p.done === 2));
      assert.deepEqual(progress.at(-1), { view: "stats", phase: "write", done: 2, total: 2 });
      const res = await read(store, [1, "2", 3]);
      assert.deepEqual(res.metadata.feature_names, ["customer_id", "charges", "plan"]);
      assert.deepEqual(res.results[1]?.values, [null, null, null]);
      // At 10h: customer 1's row (5h) is 5h old with a 2h ttl; customer 2's value is null; 3 is after the window.
      assert.deepEqual(res.results[1]?.statuses, ["OUTSIDE_MAX_AGE", "OUTSIDE_MAX_AGE", "NOT_FOUND"]);
      const fresh = await read(store, [1, 2, 3], T0 + 6 * H);
      assert.deepEqual(fresh.results[1]?.values, [30, null, null]);
      assert.deepEqual(
        fresh.results[1]?.statuses,
        ["PRESENT", "NOT_FOUND", "NOT_FOUND"].map((s, i) => (i === 1 ? "OUTSIDE_MAX_AGE" : s)),
      );
      assert.deepEqual(fresh.results[2]?.values, ["c", null, null]);
      assert.deepEqual(fresh.results[2]?.event_timestamps, [
        at(5).toISOString(),
        at(1).toISOString(),
        "1970-01-01T00:00:00Z",
      ]);
      const nullValue = await read(store, [2], T0 + 2 * H);
      assert.deepEqual(nullValue.results[1]?.statuses, ["NULL_VALUE"]);
      assert.deepEqual(nullValue.results[2]?.statuses, ["PRESENT"]);
    });

    it("a rerun changes nothing; incremental starts at the watermark; a late older row never overwrites", async () => {
      const again = await materialize(
        { start: T0, end: T0 + 8 * H },
        { definitions: DEFS, loadDataset: load, store, clock },
      );
      assert.equal(again[0]?.entities, 2);
      data = tableFromColumns({
        customer_id: [1, 3, 2],
        ts: [at(3), at(9), at(8.5)],
        created: [at(12), at(9), at(9)],
        charges: [1, 50, 7],
        plan: ["older", "e", "new"],
      });
      const inc = await materialize(
        { end: T0 + 10 * H, incremental: true },
        { definitions: DEFS, loadDataset: load, store, clock },
      );
      assert.equal(inc[0]?.start, T0 + 8 * H);
      assert.equal(inc[0]?.rows_in_window, 2, "the late row at 3h is before the watermark");
      const old = await materialize(
        { start: T0, end: T0 + 10 * H },
        { definitions: DEFS, loadDataset: load, store, clock },
      );
      assert.equal(old[0]?.skipped, 1, "customer 1: the stored 5h row is newer than the late 3h row");
      const res = await read(store, [1, 2, 3], T0 + 10 * H);
      assert.deepEqual(res.results[2]?.values, [null, "new", "e"]);
      const r1 = await read(store, [1], T0 + 6 * H);
      assert.deepEqual(r1.results[2]?.values, ["c"], "the stored 5h row survives the 3h row materialized later");
      assert.equal((await store.viewState("stats")).watermark, T0 + 10 * H);
    });

    it("refuses bad input naming the field", async () => {
      const fails = async (p: Promise<unknown> | (() => unknown), re: RegExp) => {
        const run = typeof p === "function" ? Promise.resolve().then(p) : p;
        await assert.rejects(run, (e: unknown) => isMwError(e) && e.status < 500 && re.test(e.message));
      };
      await fails(materialize({ end: T0 }, { definitions: DEFS, loadDataset: load, store, clock }), /^start:/);
      await fails(
        materialize({ start: 5, end: 1 }, { definitions: DEFS, loadDataset: load, store, clock }),
        /^start: must be/,
      );
      await fails(
        materialize(
          { start: 0, end: 1, views: ["offline_only"] },
          { definitions: DEFS, loadDataset: load, store, clock },
        ),
        /not online/,
      );
      await fails(() => planOnline(DEFS, { features: ["stats:nope"] }), /^features: .*no feature 'nope'/);
      await fails(() => planOnline(DEFS, { service: "nope" }), /^feature_service: Unknown feature service/);
      const plan = planOnline(DEFS, { features: ["stats:plan"] });
      await fails(
        () => entityRows(plan, { customer_id: ["x"] }, 10),
        /^entities\.customer_id\[0\]: expected an integer/,
      );
      await fails(() => entityRows(plan, { other: [1] }, 10), /^entities\.customer_id: missing/);
      await fails(() => entityRows(plan, { customer_id: [1, 2], other: [1] }, 10), /^entities\.other: has 1 values/);
      await fails(() => entityRows(plan, { customer_id: [1, 2, 3] }, 2), /at most 2/);
      await fails(() => entityRows(plan, [], 10), /^entities: expected an object/);
    });
  });
}
