/**
 * The aggregator thread: batches the serving thread hands over (one transferred buffer each) land
 * in the window buckets, the primary's answered rows only; rows encode and decode unchanged.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { resolveConfig } from "../../../core/config.js";
import type { PredictionRecord } from "../../../serving/prediction-log/prediction-log-store.js";
import { SqlPredictionLogStore } from "../../../serving/prediction-log/sql/sql-prediction-log-store.js";
import type { TelcoWorld } from "../test-support/telco-world.js";
import { records, registerTelco, telcoWorld } from "../test-support/telco-world.js";
import { AggregatingLogStore } from "../windows/aggregating-log-store.js";
import { readBucketWindow } from "../windows/bucket-window.js";
import { SqlWindowStore } from "../windows/sql/sql-window-store.js";
import { decodeLoggedRows, encodeLoggedRows } from "./logged-rows-codec.js";
import { workerStores } from "./off-thread.js";
import { WorkerWindowSink } from "./worker-window-sink.js";

describe("WorkerWindowSink", () => {
  let w: TelcoWorld;
  let version: string;

  before(async () => {
    w = await telcoWorld();
    version = await registerTelco(w, "churn");
  });
  after(() => w.close());

  const logged = (deployment: string, rows: number[], time: number, o: Partial<PredictionRecord> = {}) => {
    const requestId = randomUUID();
    return records(w, rows).map(
      (rec, row): PredictionRecord => ({
        deployment,
        requestId,
        row,
        variant: "primary",
        shadow: false,
        modelName: "churn",
        modelVersion: version,
        inputs: JSON.stringify(rec),
        score: 0.3,
        label: "No",
        time,
        latencyMs: 1,
        ...o,
      }),
    );
  };

  test("rows encode and decode unchanged; shadow copies and candidates are left out", () => {
    const t = Date.now();
    const primary = logged("a", [1, 2], t);
    const encoded = encodeLoggedRows([
      ...primary,
      ...logged("a", [3], t, { shadow: true }),
      ...logged("a", [4], t, { variant: "candidate" }),
    ]);
    assert.ok(encoded);
    assert.equal(encoded.rows, 2);
    assert.deepEqual(
      decodeLoggedRows(encoded.bytes, encoded.names),
      primary.map((r) => ({
        time: r.time,
        deployment: r.deployment,
        modelName: r.modelName,
        modelVersion: r.modelVersion,
        inputs: r.inputs,
      })),
    );
    assert.equal(encodeLoggedRows(logged("a", [5], t, { shadow: true })), undefined);
  });

  test("stored batches land in the minute and hour buckets of their deployment", async () => {
    const stores = workerStores(resolveConfig({ home: w.home }, {}, w.home), w.home);
    const warnings: string[] = [];
    const log = new AggregatingLogStore(
      new SqlPredictionLogStore(w.platform.db),
      new WorkerWindowSink(stores, { warn: (m) => warnings.push(m) }),
    );
    const t = Date.now() - 120_000;
    await log.appendPredictions(logged("sink", [1, 2, 3, 4, 5], t));
    await log.appendPredictions([...logged("sink", [6, 7], t + 1), ...logged("sink", [8], t + 2, { shadow: true })]);
    await log.sink.drain();
    const window = await readBucketWindow(new SqlWindowStore(w.platform.db), "sink", t - 3_600_000, Date.now());
    const v = [...window.versions.values()];
    assert.equal(v.length, 1);
    assert.equal(v[0]?.rows, 7);
    assert.ok(v[0]?.features.has("tenure"), "inputs were read back on the model's signature");
    await log.close();
    assert.deepEqual(warnings, []);
  });
});
