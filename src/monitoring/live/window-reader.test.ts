/** Windows over the prediction log: time windows page through and sample; count windows reach back as far as needed. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { PredictionRecord } from "../../serving/prediction-log/prediction-log-store.js";
import { FakePredictionLogStore } from "../../serving/prediction-log/test-support/fake-prediction-log-store.js";
import { readWindow } from "./window-reader.js";

const NOW = 1_700_000_000_000;

function rec(time: number, row: number, overrides: Partial<PredictionRecord> = {}): PredictionRecord {
  return {
    deployment: "prod",
    requestId: `q${time}`,
    row,
    variant: "primary",
    shadow: false,
    modelName: "churn",
    modelVersion: "1",
    inputs: "{}",
    score: 0.5,
    label: "No",
    time,
    latencyMs: 1,
    ...overrides,
  };
}

async function store(records: PredictionRecord[]): Promise<FakePredictionLogStore> {
  const s = new FakePredictionLogStore();
  await s.appendPredictions(records);
  return s;
}

describe("readWindow", () => {
  test("time window: the primary's answered rows in the last ms, paged (ties at page ends read once)", async () => {
    const rows: PredictionRecord[] = [];
    for (let t = 0; t < 50; t++) for (let r = 0; r < 3; r++) rows.push(rec(NOW - 10_000 + t * 100, r));
    rows.push(rec(NOW - 9_000, 0, { variant: "candidate", requestId: "c" }));
    rows.push(rec(NOW - 9_000, 1, { shadow: true, variant: "candidate", requestId: "s" }));
    rows.push(rec(NOW - 20_000, 0, { requestId: "old" }));
    rows.push(rec(NOW - 5_000, 0, { deployment: "other" }));
    const log = await store(rows);
    const w = await readWindow(log, "prod", { kind: "time", ms: 15_000 }, NOW, { maxRows: 1000, pageSize: 7 });
    assert.equal(w.rows.length, 150);
    assert.equal(new Set(w.rows.map((r) => `${r.requestId}/${r.row}`)).size, 150);
    assert.deepEqual([w.start, w.end, w.sampledFrom], [NOW - 15_000, NOW + 1, undefined]);
    const sampled = await readWindow(log, "prod", { kind: "time", ms: 15_000 }, NOW, { maxRows: 40, pageSize: 7 });
    assert.deepEqual([sampled.rows.length, sampled.sampledFrom], [40, 150]);
    assert.ok(sampled.rows.every((r, i) => i === 0 || (sampled.rows[i - 1] as PredictionRecord).time <= r.time));
  });

  test("count window: the last N rows, oldest first, however far back they are", async () => {
    const rows = [
      rec(NOW - 5 * 86_400_000, 0),
      rec(NOW - 3 * 86_400_000, 0),
      rec(NOW - 3_600_000, 0),
      rec(NOW - 3_600_000, 1),
      rec(NOW - 1000, 0),
      rec(NOW - 1000, 0, { variant: "candidate" }),
    ];
    const log = await store(rows);
    // Enough other deployments' rows that the whole-log shortcut does not apply.
    await log.appendPredictions(Array.from({ length: 10 }, (_, i) => rec(NOW - i, i, { deployment: "x" })));
    const last3 = await readWindow(log, "prod", { kind: "rows", rows: 3 }, NOW, { maxRows: 10 });
    assert.deepEqual(
      last3.rows.map((r) => [r.time, r.row]),
      [
        [NOW - 3_600_000, 0],
        [NOW - 3_600_000, 1],
        [NOW - 1000, 0],
      ],
    );
    assert.equal(last3.start, NOW - 3_600_000);
    const all = await readWindow(log, "prod", { kind: "rows", rows: 100 }, NOW, { maxRows: 10 });
    assert.equal(all.rows.length, 5);
    assert.equal(all.start, NOW - 5 * 86_400_000);
    const none = await readWindow(new FakePredictionLogStore(), "prod", { kind: "rows", rows: 5 }, NOW, {
      maxRows: 10,
    });
    assert.deepEqual(none.rows, []);
  });
});
