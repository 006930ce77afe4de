/** Monitor results kept in full for a day, downsampled after, expired; the latest per version and paging stay right. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import { monitoringMigrations } from "../../migrations.js";
import type { MonitorResult } from "../monitor.js";
import { ResultsRetention } from "./results-retention.js";
import { SqlMonitorStore } from "./sql-monitor-store.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 5, 1);
const NOW = T0 + 3 * DAY;

function result(i: number, version: string, time: number): MonitorResult {
  return {
    id: `r-${version}-${String(i).padStart(6, "0")}`,
    deployment: "svc",
    modelName: "churn",
    modelVersion: version,
    time,
    windowStart: time - MIN,
    windowEnd: time,
    rows: 100,
    labelledRows: 0,
    datasetDrift: false,
    shareDrifted: 0,
    features: [],
    reference: "package",
    realizedAuc: Number.NaN,
    realizedLogLoss: Number.NaN,
    calibrationError: Number.NaN,
    trainingAuc: Number.NaN,
    trainingLogLoss: Number.NaN,
    conceptDrift: false,
    notes: [],
  };
}

for (const backend of testBackends()) {
  describe(`monitor results retention (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlMonitorStore;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, monitoringMigrations);
      store = new SqlMonitorStore(db);
      // Version 1 every 10 minutes for 3 days; version 2 every 10 minutes of the last 2 days.
      const all: MonitorResult[] = [];
      for (let k = 0; k < 3 * 24 * 6; k++) {
        const t = T0 + k * 10 * MIN;
        all.push(result(k, "1", t));
        if (t >= T0 + DAY) all.push(result(k, "2", t));
      }
      for (let at = 0; at < all.length; at += 100) await store.addResults(all.slice(at, at + 100));
    });
    after(() => drop());

    test("the latest result per version, and pages through history newest first", async () => {
      const latest = await store.latestResults("svc");
      assert.deepEqual(
        latest.map((r) => [r.modelVersion, r.time]),
        [
          ["1", NOW - 10 * MIN],
          ["2", NOW - 10 * MIN],
        ].sort(),
      );
      const page1 = await store.listResults({ deployment: "svc", limit: 3 });
      const last = page1[2] as MonitorResult;
      const page2 = await store.listResults({ deployment: "svc", limit: 3, before: { time: last.time, id: last.id } });
      const both = await store.listResults({ deployment: "svc", limit: 6 });
      assert.deepEqual(
        [...page1, ...page2].map((r) => r.id),
        both.map((r) => r.id),
      );
    });

    test("older than a day: one result per version per hour; older than the retention: none", async () => {
      const retention = new ResultsRetention({
        db,
        clock: { now: () => NOW },
        settings: { retentionMs: 2.5 * DAY },
        pause: async () => {},
        batchRows: 50,
      });
      const pass = await retention.runOnce();
      const left = await store.listResults({ deployment: "svc", limit: 10_000 });
      const older = left.filter((r) => r.time < NOW - DAY);
      const recent = left.filter((r) => r.time >= NOW - DAY);
      assert.equal(recent.length, 2 * 24 * 6, "the last day is kept in full");
      // Between the retention bound (12 h) and a day ago (48 h): one per version per hour, the newest
      // (version 1 for 36 hours, version 2 for the 24 since it started).
      assert.equal(older.length, 36 + 24);
      assert.ok(older.every((r) => r.time % HOUR === 50 * MIN));
      assert.ok(left.every((r) => r.time >= NOW - 2.5 * DAY));
      assert.equal(pass.expired, 12 * 6);
      assert.equal(pass.downsampled, (36 + 24) * 5);
      const again = await retention.runOnce();
      assert.deepEqual(again, { downsampled: 0, expired: 0 });
      assert.equal((await store.latestResults("svc")).length, 2);
    });
  });
}
