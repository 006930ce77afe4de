import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { setImmediate as nextTurn } from "node:timers/promises";
import { tableFromColumns } from "../../../data/test-support/build-table.js";
import type { ScoredBatch } from "../prediction-logger.js";
import { PredictionLogger } from "../prediction-logger.js";
import { tableInputs } from "../prediction-records.js";
import { FakePredictionLogStore } from "../test-support/fake-prediction-log-store.js";
import { FileSpool } from "./file-spool.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "mw-spool-"));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let seq = 0;
function batch(rows: number): ScoredBatch {
  const ids = Array.from({ length: rows }, () => `r${seq++}`);
  return {
    deployment: "churn",
    requestId: ids[0] as string,
    variant: "primary",
    shadow: false,
    modelName: "churn",
    modelVersion: "1",
    inputs: tableInputs(tableFromColumns({ customerID: ids })),
    scores: Float64Array.from(ids, (_, i) => (i === 0 ? Number.NaN : 0.5)),
    signature: { task: "binary", inputs: [], positive_class: "Yes", negative_class: "No" },
    time: 1_700_000_000_000,
    latencyMs: 1,
  };
}

const customers = (store: FakePredictionLogStore) => store.predictions.map((p) => JSON.parse(p.inputs).customerID);

describe("the prediction spool", () => {
  test("rows the store cannot take wait in the spool and all arrive, in order, once it is back", async () => {
    const store = new FakePredictionLogStore();
    const spool = new FileSpool(tempDir(), 10 * 1024 * 1024);
    const logger = new PredictionLogger(store, { flushIntervalMs: 60_000, spool });
    store.failures = 1_000; // the database is down
    for (let i = 0; i < 6; i++) {
      logger.log(batch(5));
      await logger.flush();
    }
    await logger.flush();
    const down = logger.stats();
    assert.equal(down.droppedRows, 0, "nothing is dropped while the spool has room");
    assert.equal(down.spooledRows, 30);
    assert.equal(down.spoolRows, 30);
    assert.equal(store.predictions.length, 0);
    store.failures = 0; // back
    logger.log(batch(5)); // a newer row queues behind the spooled ones
    await logger.flush();
    await logger.flush();
    const up = logger.stats();
    assert.equal(up.replayedRows, 30);
    assert.equal(up.spoolRows, 0);
    assert.equal(up.writtenRows, 35);
    assert.deepEqual(
      customers(store),
      Array.from({ length: 35 }, (_, i) => `r${i}`),
      "every row, in the order it was answered",
    );
    assert.ok(Number.isNaN(store.predictions[0]?.score), "an unscorable row's NaN survives the spool");
    await logger.close();
  });

  test("a full spool drops and says so; rows spooled before a restart are replayed by the next process", async () => {
    const dir = tempDir();
    const store = new FakePredictionLogStore();
    const errors: string[] = [];
    const logger = new PredictionLogger(store, {
      flushIntervalMs: 60_000,
      spool: new FileSpool(dir, 2_000),
      onError: (e) => errors.push((e as Error).message),
    });
    store.failures = 1_000;
    for (let i = 0; i < 8; i++) {
      logger.log(batch(3));
      await logger.flush();
      await logger.flush();
    }
    const s = logger.stats();
    assert.ok(s.spoolRows > 0 && s.droppedRows > 0, JSON.stringify(s));
    assert.equal(s.spooledRows + s.droppedRows, 24);
    assert.ok(errors.some((m) => /prediction spool full: 3 rows dropped/.test(m)));
    const spooled = s.spoolRows;
    // A crash mid-append leaves a torn line: the rest is still read.
    appendFileSync(join(dir, "000001.jsonl"), '[{"deployment":"chu');
    await logger.close();
    const next = new FakePredictionLogStore();
    const restarted = new PredictionLogger(next, { flushIntervalMs: 60_000, spool: new FileSpool(dir, 2_000) });
    await nextTurn();
    await restarted.flush();
    await restarted.flush();
    assert.equal(next.predictions.length, spooled, "the next process writes what the last one spooled");
    assert.equal(restarted.stats().spoolRows, 0);
    await restarted.close();
  });
});
