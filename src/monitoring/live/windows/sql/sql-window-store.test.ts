/**
 * The window store contract, run on every backend: buckets are created then added into (rows,
 * categories, histograms, samples), label buckets are replaced, ranges read oldest first, row counts
 * newest first across versions, totals per version, old buckets pruned, and concurrent adds to one bucket all count.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../../core/db/database.js";
import { migrate } from "../../../../core/db/migrate.js";
import { testBackends } from "../../../../core/db/test-support/backends.js";
import { seededRandom } from "../../../../core/random.js";
import type { LabeledScore } from "../../../../serving/prediction-log/prediction-log-store.js";
import { monitoringMigrations } from "../../../migrations.js";
import { tableFromLogged } from "../../logged-table.js";
import type { AggregateSpec } from "../aggregate-spec.js";
import type { CategoricalStats, NumericStats } from "../feature-stats.js";
import { labelBuckets } from "../label-bucket.js";
import type { PredictionBucket } from "../prediction-bucket.js";
import { addRow, emptyBucket, sampledValues } from "../prediction-bucket.js";
import type { BucketKey } from "../window-store.js";
import { HOUR_MS, MINUTE_MS } from "../window-store.js";
import { SqlWindowStore } from "./sql-window-store.js";

const SPEC: AggregateSpec = {
  signature: {
    task: "binary",
    inputs: [
      { name: "tenure", type: "int" },
      { name: "plan", type: "string" },
    ],
  },
  features: [
    { name: "tenure", type: "int", kind: "numerical", edges: [0, 10, 20, 30] },
    { name: "plan", type: "string", kind: "categorical" },
  ],
};

/** A bucket of rows `{tenure, plan}`. */
function bucket(rows: [number | null, string | null][], capacity = 4): PredictionBucket {
  const b = emptyBucket(SPEC, capacity);
  const { table, badByRow } = tableFromLogged(
    rows.map(([tenure, plan]) => JSON.stringify({ tenure, plan })),
    SPEC.signature,
  );
  const values = new Float64Array(1);
  const random = seededRandom(7);
  for (let i = 0; i < rows.length; i++) {
    addRow(b, table, i, sampledValues(table, ["tenure"], i, values), badByRow[i] as number, random);
  }
  return b;
}

function key(start: number, o: Partial<BucketKey> = {}): BucketKey {
  return { deployment: "prod", spanMs: MINUTE_MS, start, modelName: "churn", modelVersion: "1", ...o };
}

function label(score: number, outcome: string, o: Partial<LabeledScore> = {}): LabeledScore {
  return {
    variant: "primary",
    shadow: false,
    modelName: "churn",
    modelVersion: "1",
    score,
    label: "",
    outcome,
    time: 0,
    ...o,
  };
}

for (const backend of testBackends()) {
  describe(`SqlWindowStore contract (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlWindowStore;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, monitoringMigrations);
      store = new SqlWindowStore(db, seededRandom(3));
    });
    after(() => drop());

    test("a delta creates its bucket; later deltas add rows, nulls, categories, bins and sample rows", async () => {
      await store.addPredictions(
        [
          {
            key: key(0),
            bucket: bucket([
              [1, "a"],
              [12, "b"],
              [null, "a"],
            ]),
          },
        ],
        10,
      );
      await store.addPredictions(
        [
          {
            key: key(0),
            bucket: bucket([
              [25, "a"],
              [40, null],
              [-3, "c"],
            ]),
          },
        ],
        20,
      );
      const [stored, ...more] = await store.predictions("prod", MINUTE_MS, 0, MINUTE_MS);
      assert.equal(more.length, 0);
      assert.ok(stored);
      assert.deepEqual(stored.key, key(0));
      const b = stored.bucket;
      assert.equal(b.rows, 6);
      const plan = b.features.get("plan") as CategoricalStats;
      assert.deepEqual([...plan.counts].sort(), [
        ["a", 3],
        ["b", 1],
        ["c", 1],
      ]);
      assert.equal(plan.nulls, 1);
      const tenure = b.features.get("tenure") as NumericStats;
      assert.deepEqual([tenure.nulls, tenure.min, tenure.max, tenure.below, tenure.above], [1, -3, 40, 1, 1]);
      assert.deepEqual(tenure.bins, [1, 1, 1]);
      // Six rows seen, four kept (the capacity), drawn from both deltas' rows.
      assert.deepEqual([b.sample.seen, b.sample.size], [6, 4]);
      const kept = [...(b.sample.columns[0] as Float64Array).subarray(0, 4)];
      assert.ok(
        kept.every((v) => Number.isNaN(v) || [1, 12, 25, 40, -3].includes(v)),
        String(kept),
      );
    });

    test("ranges read oldest first per span; row counts are newest first and sum the versions", async () => {
      const one = (n: number): PredictionBucket => bucket(Array.from({ length: n }, () => [5, "a"]));
      await store.addPredictions(
        [
          { key: key(MINUTE_MS, { deployment: "ranges" }), bucket: one(2) },
          { key: key(3 * MINUTE_MS, { deployment: "ranges" }), bucket: one(3) },
          { key: key(3 * MINUTE_MS, { deployment: "ranges", modelVersion: "2" }), bucket: one(4) },
          { key: key(0, { deployment: "ranges", spanMs: HOUR_MS }), bucket: one(9) },
          { key: key(MINUTE_MS, { deployment: "elsewhere" }), bucket: one(1) },
        ],
        30,
      );
      const minutes = await store.predictions("ranges", MINUTE_MS, 0, 10 * MINUTE_MS);
      assert.deepEqual(
        minutes.map((m) => [m.key.start, m.key.modelVersion, m.bucket.rows]),
        [
          [MINUTE_MS, "1", 2],
          [3 * MINUTE_MS, "1", 3],
          [3 * MINUTE_MS, "2", 4],
        ],
      );
      assert.equal((await store.predictions("ranges", MINUTE_MS, 2 * MINUTE_MS, 3 * MINUTE_MS)).length, 0);
      assert.deepEqual(
        (await store.predictions("ranges", HOUR_MS, 0, HOUR_MS)).map((m) => m.bucket.rows),
        [9],
      );
      assert.deepEqual(await store.rowCounts("ranges", MINUTE_MS, 10 * MINUTE_MS, 10), [
        { start: 3 * MINUTE_MS, rows: 7 },
        { start: MINUTE_MS, rows: 2 },
      ]);
      assert.deepEqual(await store.rowCounts("ranges", MINUTE_MS, 3 * MINUTE_MS, 1), [{ start: MINUTE_MS, rows: 2 }]);
      assert.deepEqual(await store.totals("ranges", MINUTE_MS, 0, 10 * MINUTE_MS), {
        predictions: [
          { modelName: "churn", modelVersion: "1", sum: 5, most: 3 },
          { modelName: "churn", modelVersion: "2", sum: 4, most: 4 },
        ],
        labels: [],
      });
      assert.equal(await store.oldestStart("ranges", MINUTE_MS), MINUTE_MS);
      assert.equal(await store.oldestStart("nowhere", MINUTE_MS), undefined);
    });

    test("label buckets are replaced whole, with every sum and the sample", async () => {
      const first = labelBuckets([label(0.9, "Yes"), label(0.2, "No")], 10, seededRandom(1)).get("churn\u00001");
      assert.ok(first);
      await store.putLabels([{ key: key(0, { deployment: "labels" }), bucket: first }], 1);
      const again = labelBuckets(
        [label(0.9, "Yes"), label(0.2, "No"), label(0.4, "Yes"), label(0.7, "No", { shadow: true })],
        10,
        seededRandom(1),
      ).get("churn\u00001");
      assert.ok(again);
      await store.putLabels([{ key: key(0, { deployment: "labels" }), bucket: again }], 2);
      const [stored, ...more] = await store.labels("labels", MINUTE_MS, 0, MINUTE_MS);
      assert.equal(more.length, 0);
      const b = stored?.bucket;
      assert.equal(b?.labelled, 3, "the shadow copy's label is left out");
      assert.deepEqual(b?.outcomes.get("Yes")?.count, 2);
      assert.ok(Math.abs((b?.outcomes.get("Yes")?.lossIfPositive ?? 0) - (-Math.log(0.9) - Math.log(0.4))) < 1e-12);
      assert.deepEqual([...(b?.scores ?? [])].sort(), [0.2, 0.4, 0.9]);
      assert.deepEqual(b?.outcomes.get("No")?.binCounts, [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    });

    test("prune removes both kinds of buckets of one span before a time", async () => {
      const old = bucket([[1, "a"]]);
      await store.addPredictions(
        [
          { key: key(0, { deployment: "prune" }), bucket: old },
          { key: key(5 * MINUTE_MS, { deployment: "prune" }), bucket: old },
          { key: key(0, { deployment: "prune", spanMs: HOUR_MS }), bucket: old },
        ],
        1,
      );
      const labels = labelBuckets([label(0.5, "1")], 4, seededRandom(1)).get("churn\u00001");
      assert.ok(labels);
      await store.putLabels([{ key: key(0, { deployment: "prune" }), bucket: labels }], 1);
      assert.ok((await store.prune(MINUTE_MS, MINUTE_MS)) >= 2);
      assert.deepEqual(
        (await store.predictions("prune", MINUTE_MS, 0, HOUR_MS)).map((b) => b.key.start),
        [5 * MINUTE_MS],
      );
      assert.deepEqual(await store.labels("prune", MINUTE_MS, 0, HOUR_MS), []);
      assert.equal((await store.predictions("prune", HOUR_MS, 0, HOUR_MS)).length, 1, "hour buckets stay");
    });

    test("adds to one bucket from several writers at once all count", async () => {
      const writers = Array.from({ length: 5 }, () => new SqlWindowStore(db));
      await Promise.all(
        writers.map((w, i) =>
          w.addPredictions([{ key: key(0, { deployment: "busy" }), bucket: bucket([[i, "a"]]) }], i),
        ),
      );
      const [b] = await store.predictions("busy", MINUTE_MS, 0, MINUTE_MS);
      assert.ok(b);
      assert.equal(b.bucket.rows, 5);
      assert.equal((b.bucket.features.get("plan") as CategoricalStats).counts.get("a"), 5);
    });
  });
}
