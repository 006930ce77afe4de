/**
 * A window read a page of buckets at a time still samples the whole window in proportion: the
 * totals are counted first, so every bucket, on any page, gets its share and no more.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import { seededRandom } from "../../../core/random.js";
import type { LabeledScore } from "../../../serving/prediction-log/prediction-log-store.js";
import { monitoringMigrations } from "../../migrations.js";
import { tableFromLogged } from "../logged-table.js";
import type { AggregateSpec } from "./aggregate-spec.js";
import { readBucketWindow } from "./bucket-window.js";
import { labelBuckets } from "./label-bucket.js";
import type { PredictionBucket } from "./prediction-bucket.js";
import { addRow, emptyBucket, SAMPLE_ROWS, sampledValues } from "./prediction-bucket.js";
import { SqlWindowStore } from "./sql/sql-window-store.js";
import type { BucketKey } from "./window-store.js";
import { HOUR_MS } from "./window-store.js";

const SPEC: AggregateSpec = {
  signature: { task: "binary", inputs: [{ name: "hour", type: "int" }] },
  features: [{ name: "hour", type: "int", kind: "numerical", edges: [0, 24, 48, 72] }],
};
const HOURS = 72;
const T0 = 1_000 * HOUR_MS;

/** `n` rows whose only input is `value`, in an hour bucket's sample capacity. */
function bucket(n: number, value: number): PredictionBucket {
  const b = emptyBucket(SPEC, SAMPLE_ROWS.hour);
  const { table } = tableFromLogged(Array(n).fill(JSON.stringify({ hour: value })), SPEC.signature);
  const values = new Float64Array(1);
  const random = seededRandom(value);
  for (let i = 0; i < n; i++) addRow(b, table, i, sampledValues(table, ["hour"], i, values), 0, random);
  return b;
}

function labels(n: number, hour: number): LabeledScore[] {
  return Array.from({ length: n }, (_, i) => ({
    variant: "primary",
    shadow: false,
    modelName: "churn",
    modelVersion: "1",
    score: hour / HOURS,
    label: "",
    outcome: i % 2 === 0 ? "Yes" : "No",
    time: T0 + hour * HOUR_MS,
  }));
}

for (const backend of testBackends()) {
  describe(`a window read a page at a time (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlWindowStore;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, monitoringMigrations);
      store = new SqlWindowStore(db, seededRandom(3));
      const key = (h: number): BucketKey => ({
        deployment: "paged",
        spanMs: HOUR_MS,
        start: T0 + h * HOUR_MS,
        modelName: "churn",
        modelVersion: "1",
      });
      // Three days of hour buckets (three pages): 100 rows and 40 labels each, every one kept.
      for (let h = 0; h < HOURS; h++) {
        await store.addPredictions([{ key: key(h), bucket: bucket(100, h) }], 1);
        const l = labelBuckets(labels(40, h), 4096, seededRandom(h)).get("churn\u00001");
        assert.ok(l);
        await store.putLabels([{ key: key(h), bucket: l }], 1);
      }
    });
    after(() => drop());

    test("every row and label while they fit; exact counts", async () => {
      const w = await readBucketWindow(store, "paged", T0, T0 + HOURS * HOUR_MS, { random: seededRandom(1) });
      const v = w.versions.get("churn\u00001");
      assert.ok(v);
      assert.deepEqual([v.rows, v.labelled, w.buckets], [7200, 2880, 2 * HOURS]);
      assert.deepEqual(v.sample.size, { size: 7200, total: 7200 });
      assert.deepEqual(v.labelSample.size, { size: 2880, total: 2880 });
    });

    test("a smaller sample takes each hour's exact share, on every page", async () => {
      const w = await readBucketWindow(store, "paged", T0, T0 + HOURS * HOUR_MS, {
        maxRows: 720,
        maxLabels: 144,
        random: seededRandom(2),
      });
      const v = w.versions.get("churn\u00001");
      assert.ok(v);
      assert.equal(v.rows, 7200, "counts cover every row");
      assert.deepEqual(v.sample.size, { size: 720, total: 7200 });
      const perHour = new Array<number>(HOURS).fill(0);
      for (const h of v.sample.columns.get("hour") ?? []) perHour[h] = (perHour[h] as number) + 1;
      assert.deepEqual(perHour, new Array(HOURS).fill(10));
      assert.deepEqual(v.labelSample.size, { size: 144, total: 2880 });
      const labelHours = new Array<number>(HOURS).fill(0);
      for (const s of v.labelSample.scores) {
        const h = Math.round(s * HOURS);
        labelHours[h] = (labelHours[h] as number) + 1;
      }
      assert.deepEqual(labelHours, new Array(HOURS).fill(2));
    });
  });
}
