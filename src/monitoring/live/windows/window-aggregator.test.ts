/**
 * The aggregator: rows wait for their version's plan and are then counted by it; a version whose
 * plan cannot be read is still counted; feedback that arrives before its prediction is found once
 * the prediction is logged; only the primary's answers count; old buckets are pruned.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { openSqlite } from "../../../core/db/sqlite/sqlite-database.js";
import { seededRandom } from "../../../core/random.js";
import type { PredictionRecord } from "../../../serving/prediction-log/prediction-log-store.js";
import { FakePredictionLogStore } from "../../../serving/prediction-log/test-support/fake-prediction-log-store.js";
import { monitoringMigrations } from "../../migrations.js";
import type { AggregateSpec } from "./aggregate-spec.js";
import type { CategoricalStats } from "./feature-stats.js";
import { monitoredRows } from "./in-process-sink.js";
import { SqlWindowStore } from "./sql/sql-window-store.js";
import { WindowAggregator } from "./window-aggregator.js";
import { HOUR_MS, MINUTE_MS } from "./window-store.js";

const NOW = 1_800_000_000_000;
const SPEC: AggregateSpec = {
  signature: { task: "binary", inputs: [{ name: "plan", type: "string" }] },
  features: [{ name: "plan", type: "string", kind: "categorical" }],
};

function prediction(time: number, plan: string, o: Partial<PredictionRecord> = {}): PredictionRecord {
  return {
    deployment: "prod",
    requestId: randomUUID(),
    row: 0,
    variant: "primary",
    shadow: false,
    modelName: "churn",
    modelVersion: "1",
    inputs: JSON.stringify({ plan }),
    score: 0.7,
    label: "Yes",
    time,
    latencyMs: 1,
    ...o,
  };
}

describe("WindowAggregator", () => {
  let db: Database;
  let store: SqlWindowStore;
  let log: FakePredictionLogStore;
  const warnings: string[] = [];
  let release: (spec: AggregateSpec) => void = () => {};

  const aggregator = (spec: (name: string, version: string) => Promise<AggregateSpec>, now = NOW) =>
    new WindowAggregator(
      { store, log, spec, clock: { now: () => now }, warn: (m) => warnings.push(m), random: seededRandom(1) },
      { timer: false },
    );

  before(async () => {
    db = openSqlite(":memory:");
    await migrate(db, monitoringMigrations);
    store = new SqlWindowStore(db, seededRandom(2));
    log = new FakePredictionLogStore();
  });
  after(() => db.close());

  test("rows wait for their version's plan, then land in their minute and hour buckets", async () => {
    const agg = aggregator(() => new Promise((resolve) => (release = resolve)));
    const rows = [
      prediction(NOW - 1000, "a"),
      prediction(NOW - 1000, "b"),
      prediction(NOW - 2 * MINUTE_MS, "a"),
      prediction(NOW - 500, "a", { variant: "candidate" }),
      prediction(NOW - 500, "a", { shadow: true }),
    ];
    agg.addRows(monitoredRows(rows));
    await agg.flush();
    assert.deepEqual(await store.predictions("prod", MINUTE_MS, 0, NOW), [], "nothing before the plan is known");
    release(SPEC);
    await agg.drain();
    const minutes = await store.predictions("prod", MINUTE_MS, 0, NOW);
    assert.deepEqual(
      minutes.map((m) => [m.key.start, m.bucket.rows]),
      [
        [Math.floor((NOW - 2 * MINUTE_MS) / MINUTE_MS) * MINUTE_MS, 1],
        [Math.floor((NOW - 1000) / MINUTE_MS) * MINUTE_MS, 2],
      ],
    );
    const [hour] = await store.predictions("prod", HOUR_MS, 0, NOW);
    assert.ok(hour);
    assert.equal(hour.bucket.rows, 3, "the candidate's and the shadow's rows are not the primary's answers");
    assert.deepEqual([...(hour.bucket.features.get("plan") as CategoricalStats).counts].sort(), [
      ["a", 2],
      ["b", 1],
    ]);
  });

  test("a version whose plan cannot be read is counted without inputs, and says so", async () => {
    const agg = aggregator(() => Promise.reject(new Error("no signature.json")));
    agg.addRows(monitoredRows([prediction(NOW, "a", { deployment: "bare", modelVersion: "9" })]));
    await agg.drain();
    const [b] = await store.predictions("bare", MINUTE_MS, 0, NOW + 1);
    assert.deepEqual([b?.bucket.rows, b?.bucket.features.size], [1, 0]);
    assert.ok(
      warnings.some((w) => /churn\/9 count rows only: no signature\.json/.test(w)),
      warnings.join("; "),
    );
  });

  test("feedback before its prediction is logged is found later; the bucket's labels are recomputed", async () => {
    const agg = aggregator(async () => SPEC);
    const p = prediction(NOW - 5000, "a", { deployment: "late" });
    const feedback = {
      id: randomUUID(),
      deployment: "late",
      requestId: p.requestId,
      row: 0,
      outcome: "Yes",
      time: NOW,
    };
    await log.appendFeedback([feedback]);
    agg.addFeedback([feedback]);
    await agg.drain();
    assert.deepEqual(await store.labels("late", MINUTE_MS, 0, NOW), []);
    await log.appendPredictions([p]);
    agg.addRows(monitoredRows([p]));
    await agg.drain();
    const [minute] = await store.labels("late", MINUTE_MS, 0, NOW);
    const [hour] = await store.labels("late", HOUR_MS, 0, NOW);
    assert.deepEqual([minute?.bucket.labelled, hour?.bucket.labelled], [1, 1]);
    assert.equal(minute?.bucket.outcomes.get("Yes")?.count, 1);
  });

  test("rows older than the minute retention get only an hour bucket; pruning drops old buckets", async () => {
    const old = NOW - 4 * 86_400_000;
    await store.addPredictions(
      [
        {
          key: { deployment: "aged", spanMs: MINUTE_MS, start: old, modelName: "churn", modelVersion: "1" },
          bucket: (await store.predictions("prod", MINUTE_MS, 0, NOW))[0]?.bucket ?? assert.fail("no bucket"),
        },
      ],
      1,
    );
    const agg = aggregator(async () => SPEC);
    agg.addRows(monitoredRows([prediction(old + 10, "a", { deployment: "aged" })]));
    await agg.drain();
    assert.equal((await store.predictions("aged", MINUTE_MS, 0, NOW)).length, 0, "pruned, and none added");
    assert.equal((await store.predictions("aged", HOUR_MS, 0, NOW)).length, 1);
  });
});
