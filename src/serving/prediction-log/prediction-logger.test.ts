import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { isMwError } from "../../core/errors.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import type { PredictionLogStore } from "./prediction-log-store.js";
import { type LoggerStats, PredictionLogger, type ScoredBatch } from "./prediction-logger.js";
import { tableInputs } from "./prediction-records.js";
import { FakePredictionLogStore as FakeStore, gate } from "./test-support/fake-prediction-log-store.js";

let nextId = 0;
function scored(rows: number, more: Partial<ScoredBatch> = {}): ScoredBatch {
  const ids = Array.from({ length: rows }, (_, i) => `c${i}`);
  return {
    deployment: "churn-prod",
    requestId: `req-${nextId++}`,
    variant: "primary",
    shadow: false,
    modelName: "churn",
    modelVersion: "4",
    inputs: tableInputs(tableFromColumns({ customerID: ids, tenure: ids.map((_, i) => i) })),
    scores: Float64Array.from(ids, (_, i) => (i % 10) / 10),
    signature: { task: "binary", inputs: [], positive_class: "Yes", negative_class: "No" },
    time: 1_700_000_000_000,
    latencyMs: 1,
    ...more,
  };
}

/** Let the logger's background steps run until `done()` holds (or give up). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 50 && !done(); i++) await nextTurn();
}

function stats(queuedRows: number, droppedRows: number, writtenRows: number, failedWrites: number): LoggerStats {
  return { queuedRows, droppedRows, writtenRows, failedWrites, spooledRows: 0, replayedRows: 0, spoolRows: 0 };
}

// A long interval keeps the timer out of tests that drive flushes by hand.
const MANUAL = { flushIntervalMs: 60_000 };
const open: PredictionLogger[] = [];
function logger(store: PredictionLogStore, options: ConstructorParameters<typeof PredictionLogger>[1] = {}) {
  const l = new PredictionLogger(store, { ...MANUAL, ...options });
  open.push(l);
  return l;
}
afterEach(async () => {
  for (const l of open.splice(0)) await l.close();
});

describe("PredictionLogger", () => {
  test("log() only queues: no store call until a flush, then one call for many small batches", async () => {
    const store = new FakeStore();
    const log = logger(store);
    for (let i = 0; i < 50; i++) assert.equal(log.log(scored(2)), true);
    assert.equal(store.calls.length, 0);
    assert.deepEqual(log.stats(), stats(100, 0, 0, 0));
    await log.flush();
    assert.equal(store.calls.length, 1);
    assert.equal(store.calls[0]?.length, 100);
    assert.deepEqual(log.stats(), stats(0, 0, 100, 0));
  });

  test("the timer flushes on its own", async () => {
    const store = new FakeStore();
    const log = logger(store, { flushIntervalMs: 5 });
    log.log(scored(3));
    for (let i = 0; i < 200 && store.rows < 3; i++) await sleep(5);
    assert.equal(store.rows, 3);
    assert.equal(log.stats().writtenRows, 3);
  });

  test("reaching batchRows flushes early, without waiting for the timer", async () => {
    const store = new FakeStore();
    const log = logger(store, { batchRows: 10 });
    log.log(scored(6));
    await until(() => store.calls.length > 0);
    assert.equal(store.calls.length, 0, "below batchRows, the timer's turn");
    log.log(scored(4));
    assert.equal(store.calls.length, 0, "never on the caller's stack");
    await until(() => store.rows === 10);
    assert.equal(store.rows, 10);
  });

  test("writes at most batchRows rows per store call, whole batches at a time", async () => {
    const store = new FakeStore();
    const log = logger(store, { batchRows: 10 });
    for (let i = 0; i < 5; i++) log.log(scored(5));
    await log.flush();
    assert.deepEqual(
      store.calls.map((c) => c.length),
      [10, 10, 5],
    );
  });

  test("a full queue drops and counts while the store is blocked; one write in flight", async () => {
    const store = new FakeStore();
    const blocked = gate();
    store.gate = blocked.promise;
    const log = logger(store, { maxQueueRows: 10, batchRows: 5 });
    assert.equal(log.log(scored(5)), true);
    await until(() => store.calls.length === 1);
    assert.equal(store.calls.length, 1, "the first batch is in flight");
    assert.equal(log.log(scored(5)), true);
    await until(() => store.calls.length > 1);
    assert.equal(store.calls.length, 1, "no second write while one is in flight");
    assert.equal(log.log(scored(1)), false);
    assert.equal(log.log(scored(3)), false);
    assert.deepEqual(log.stats(), stats(10, 4, 0, 0));
    blocked.open();
    await log.flush();
    assert.deepEqual(log.stats(), stats(0, 4, 10, 0));
    assert.deepEqual(
      store.calls.map((c) => c.length),
      [5, 5],
    );
    assert.equal(log.log(scored(10)), true, "room again once written");
  });

  test("maxWritesInFlight lets that many writes start before the first returns", async () => {
    const store = new FakeStore();
    const blocked = gate();
    store.gate = blocked.promise;
    const log = logger(store, { batchRows: 5, maxWritesInFlight: 2 });
    for (let i = 0; i < 3; i++) log.log(scored(5));
    const flushed = log.flush();
    await until(() => store.calls.length === 2);
    await nextTurn();
    assert.equal(store.calls.length, 2, "two writes in flight, the third waits for the first");
    blocked.open();
    await flushed;
    assert.deepEqual(log.stats(), stats(0, 0, 15, 0));
    assert.deepEqual(
      store.calls.map((c) => c.length),
      [5, 5, 5],
    );
    assert.throws(() => logger(store, { maxWritesInFlight: 0 }), /maxWritesInFlight must be a positive integer/);
  });

  test("a batch larger than the whole queue is dropped", () => {
    const log = logger(new FakeStore(), { maxQueueRows: 4 });
    assert.equal(log.log(scored(5)), false);
    assert.deepEqual(log.stats(), stats(0, 5, 0, 0));
  });

  test("a failed write is retried once on the next flush", async () => {
    const store = new FakeStore();
    store.failures = 1;
    const errors: unknown[] = [];
    const log = logger(store, { onError: (e) => errors.push(e) });
    log.log(scored(3));
    await log.flush();
    assert.deepEqual(log.stats(), stats(3, 0, 0, 0));
    await log.flush();
    assert.deepEqual(log.stats(), stats(0, 0, 3, 0));
    assert.equal(store.calls.length, 2);
    assert.deepEqual(store.calls[1], store.calls[0]);
    assert.deepEqual(errors, []);
  });

  test("a write that fails twice drops its rows, counts the failure and reports it", async () => {
    const store = new FakeStore();
    store.failures = 2;
    const errors: unknown[] = [];
    const log = logger(store, { onError: (e) => errors.push(e) });
    log.log(scored(3));
    await log.flush();
    log.log(scored(2));
    await log.flush();
    // The retry failed; the new rows were written after it.
    assert.deepEqual(log.stats(), stats(0, 3, 2, 1));
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /store unavailable/);
  });

  test("the timer retries a failed write", async () => {
    const store = new FakeStore();
    store.failures = 1;
    const log = logger(store, { flushIntervalMs: 5 });
    log.log(scored(3));
    for (let i = 0; i < 200 && log.stats().writtenRows < 3; i++) await sleep(5);
    assert.deepEqual(log.stats(), stats(0, 0, 3, 0));
  });

  test("close() flushes, waits for the write in flight, and drops later logs", async () => {
    const store = new FakeStore();
    const blocked = gate();
    store.gate = blocked.promise;
    const log = logger(store, { batchRows: 2 });
    log.log(scored(2));
    await until(() => store.calls.length === 1);
    log.log(scored(1));
    let closed = false;
    const closing = log.close().then(() => {
      closed = true;
    });
    await sleep(5);
    assert.equal(closed, false);
    store.gate = undefined;
    blocked.open();
    await closing;
    assert.deepEqual(log.stats(), stats(0, 0, 3, 0));
    assert.equal(log.log(scored(4)), false);
    assert.deepEqual(log.stats(), stats(0, 4, 3, 0));
    await log.close();
    await log.flush();
  });

  test("close() gives a failed write its retry, then drops what still fails", async () => {
    const once = new FakeStore();
    once.failures = 1;
    const a = logger(once);
    a.log(scored(3));
    await a.close();
    assert.deepEqual(a.stats(), stats(0, 0, 3, 0));

    const down = new FakeStore();
    down.failures = Number.POSITIVE_INFINITY;
    const errors: unknown[] = [];
    const b = logger(down, { onError: (e) => errors.push(e) });
    b.log(scored(3));
    await b.close();
    assert.deepEqual(b.stats(), stats(0, 3, 0, 1));
    assert.equal(errors.length, 1);
  });

  test("rows that cannot be turned into records are dropped and reported; the rest are written", async () => {
    const store = new FakeStore();
    const errors: unknown[] = [];
    const log = logger(store, { onError: (e) => errors.push(e) });
    assert.equal(log.log(scored(2, { rows: Int32Array.of(0), scores: Float64Array.of(0.1, 0.2) })), false);
    // Rows are turned into records as they are logged: a bad row index is refused at once.
    assert.equal(log.log(scored(2, { rows: Int32Array.of(0, 7), scores: Float64Array.of(0.1, 0.2) })), false);
    log.log(scored(3));
    await log.flush();
    assert.deepEqual(log.stats(), stats(0, 4, 3, 0));
    assert.equal(errors.length, 2);
  });

  test("a throwing onError does not escape", async () => {
    const store = new FakeStore();
    store.failures = 2;
    const log = logger(store, {
      onError: () => {
        throw new Error("handler broke");
      },
    });
    log.log(scored(1));
    await log.flush();
    await log.flush();
    assert.deepEqual(log.stats(), stats(0, 1, 0, 1));
  });

  test("records carry the batch's fields, labels and serialised inputs", async () => {
    const store = new FakeStore();
    const log = logger(store);
    log.log(
      scored(3, {
        requestId: "req-x",
        variant: "candidate",
        shadow: true,
        rows: Int32Array.of(2, 1),
        scores: Float64Array.of(0.7, 0.2),
        routingKey: "tenant-1",
        time: 42,
        latencyMs: 0.5,
      }),
    );
    await log.flush();
    assert.deepEqual(store.calls[0], [
      {
        deployment: "churn-prod",
        requestId: "req-x",
        row: 2,
        variant: "candidate",
        shadow: true,
        modelName: "churn",
        modelVersion: "4",
        routingKey: "tenant-1",
        inputs: '{"customerID":"c2","tenure":2}',
        score: 0.7,
        label: "Yes",
        time: 42,
        latencyMs: 0.5,
      },
      {
        deployment: "churn-prod",
        requestId: "req-x",
        row: 1,
        variant: "candidate",
        shadow: true,
        modelName: "churn",
        modelVersion: "4",
        routingKey: "tenant-1",
        inputs: '{"customerID":"c1","tenure":1}',
        score: 0.2,
        label: "No",
        time: 42,
        latencyMs: 0.5,
      },
    ]);
  });

  test("options must be positive integers", () => {
    for (const bad of [{ maxQueueRows: 0 }, { batchRows: -1 }, { flushIntervalMs: 1.5 }]) {
      assert.throws(
        () => new PredictionLogger(new FakeStore(), bad),
        (e: unknown) => isMwError(e) && e.message.startsWith(Object.keys(bad)[0] as string),
      );
    }
  });
});
