/**
 * The asynchronous, batched, bounded prediction-log writer. The serving path calls `log()` once a
 * response has gone out; the rows become compact records there and are written later, in batches,
 * up to `maxWritesInFlight` writes at a time (default one).
 */
import { invalidParam } from "../../core/errors.js";
import type { ModelSignature } from "../../learn/package/model-package.js";
import type { PredictionLogStore, PredictionRecord } from "./prediction-log-store.js";
import type { LoggedInputs } from "./prediction-records.js";
import { toPredictionRecords } from "./prediction-records.js";
import type { PredictionSpool } from "./spool/prediction-spool.js";

/** One variant's scores for one request, as the request path has them (nothing copied). */
export interface ScoredBatch {
  deployment: string;
  requestId: string;
  variant: "primary" | "candidate";
  shadow: boolean;
  modelName: string;
  modelVersion: string;
  /** The request's rows, as the log stores them. */
  inputs: LoggedInputs;
  /** Indices into `inputs` that this variant scored; undefined = all rows in order. */
  rows?: Int32Array | undefined;
  /** One per scored row (aligned with `rows`). */
  scores: Float64Array;
  /** Labels are derived at the signature's threshold, by the rule of `formatPredictions`. */
  signature: ModelSignature;
  /** Multiclass: the top class's index per scored row (the label; `scores` holds its probability). */
  top?: Int32Array | undefined;
  /** A routing key per request row (column routing key), or ... */
  routingKeys?: readonly (string | undefined)[] | undefined;
  /** ... one key for the whole request (header routing key). */
  routingKey?: string | undefined;
  time: number;
  latencyMs: number;
}

export interface LoggerStats {
  /** Rows accepted and not yet written or dropped (waiting, in flight or awaiting a retry). */
  queuedRows: number;
  droppedRows: number;
  writtenRows: number;
  /** Writes that failed twice (their rows went to the spool, or were dropped without one). */
  failedWrites: number;
  /** Rows put in the spool because the store failed (cumulative). */
  spooledRows: number;
  /** Spooled rows written to the store once it was back (cumulative). */
  replayedRows: number;
  /** Rows in the spool now. */
  spoolRows: number;
}

export interface PredictionLoggerOptions {
  /** Most rows held at once; more are dropped and counted (default 100,000). */
  maxQueueRows?: number;
  /** Rows per store write, and the queue depth that triggers an early flush (default 5,000). */
  batchRows?: number;
  /** How often queued rows are written (default 200 ms). */
  flushIntervalMs?: number;
  /**
   * Store writes started before the oldest is awaited (default 1). More suits a store that queues
   * writes elsewhere (a writer thread): batches go out as soon as they are ready instead of one per
   * round trip, which a busy event loop (large requests) would otherwise stretch.
   */
  maxWritesInFlight?: number;
  /** Told about every failure that drops rows; the logger never throws into its caller. */
  onError?: (e: unknown) => void;
  /**
   * Where rows wait while the store is down (instead of being dropped); replayed in order when it
   * is back. While it holds rows, new rows join it behind them.
   */
  spool?: PredictionSpool;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1)
    throw invalidParam(`${name} must be a positive integer, got ${value}.`);
  return value;
}

/** How long a flush may hold the event loop before it lets requests run. */
const SLICE_MS = 4;

/** Resolve after the I/O callbacks already due (a resolved promise would not let them run). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Writes prediction records to a {@link PredictionLogStore} in the background. */
export class PredictionLogger {
  private readonly maxQueueRows: number;
  private readonly batchRows: number;
  private readonly maxWritesInFlight: number;
  private readonly onError: (e: unknown) => void;
  private readonly timer: NodeJS.Timeout;
  private pending: PredictionRecord[][] = [];
  private pendingRows = 0;
  /** Record batches whose first write failed; each gets one more try on the next flush. */
  private retries: PredictionRecord[][] = [];
  private counts = { queuedRows: 0, droppedRows: 0, writtenRows: 0, failedWrites: 0, spooledRows: 0, replayedRows: 0 };
  private readonly spool: PredictionSpool | undefined;
  private running: Promise<void> | undefined;
  private early: NodeJS.Immediate | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly store: PredictionLogStore,
    options: PredictionLoggerOptions = {},
  ) {
    this.maxQueueRows = positiveInt("maxQueueRows", options.maxQueueRows, 100_000);
    this.batchRows = positiveInt("batchRows", options.batchRows, 5_000);
    this.maxWritesInFlight = positiveInt("maxWritesInFlight", options.maxWritesInFlight, 1);
    const interval = positiveInt("flushIntervalMs", options.flushIntervalMs, 200);
    this.onError = options.onError ?? (() => {});
    this.spool = options.spool;
    // Rows a previous process spooled are replayed by the first flush after they are found.
    void this.spool?.open().then(
      () => this.tick(),
      (e: unknown) => this.report(e),
    );
    this.timer = setInterval(() => this.tick(), interval);
    // Logging alone must not keep a process alive; close() is how to write the tail.
    this.timer.unref();
  }

  /** Queue a scored batch's records; false when it was dropped (queue full, closed, or unconvertible). */
  log(batch: ScoredBatch): boolean {
    const n = batch.scores.length;
    if (batch.rows !== undefined && batch.rows.length !== n) {
      this.counts.droppedRows += n;
      this.report(new RangeError(`rows has ${batch.rows.length} entries but scores has ${n}`));
      return false;
    }
    if (this.closing !== undefined || this.counts.queuedRows + n > this.maxQueueRows) {
      this.counts.droppedRows += n;
      return false;
    }
    if (n === 0) return true;
    // Converted now rather than at flush: holding each request's table (typed arrays) until the
    // flush would carry them into the old generation and cost full GC pauses under load.
    let records: PredictionRecord[];
    try {
      records = toPredictionRecords(batch);
    } catch (e) {
      this.counts.droppedRows += n;
      this.report(e);
      return false;
    }
    this.pending.push(records);
    this.pendingRows += n;
    this.counts.queuedRows += n;
    if (this.pendingRows >= this.batchRows) this.scheduleEarly();
    return true;
  }

  /** The counters, as of now. */
  stats(): LoggerStats {
    return { ...this.counts, spoolRows: this.spool?.rows() ?? 0 };
  }

  /** Write everything queued now (a write that fails is kept for one retry on the next flush). */
  flush(): Promise<void> {
    const run = (this.running ?? Promise.resolve()).then(() => this.drain()).catch((e) => this.report(e));
    this.running = run;
    void run.then(() => {
      if (this.running !== run) return;
      this.running = undefined;
      if (this.pendingRows >= this.batchRows) this.scheduleEarly();
    });
    return run;
  }

  /** Flush (including the retry of a failed write) and stop; later log() calls are dropped and counted. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.early !== undefined) clearImmediate(this.early);
    this.early = undefined;
    await this.flush();
    if (this.retries.length > 0) await this.flush();
  }

  private tick(): void {
    const owed = this.pendingRows > 0 || this.retries.length > 0 || (this.spool?.rows() ?? 0) > 0;
    if (this.running === undefined && owed) void this.flush();
  }

  private scheduleEarly(): void {
    if (this.early !== undefined || this.closing !== undefined) return;
    this.early = setImmediate(() => {
      this.early = undefined;
      this.tick();
    });
  }

  /** One pass: the retries owed, then the rows queued when the pass began, `batchRows` per write. */
  private async drain(): Promise<void> {
    const retries = this.retries;
    this.retries = [];
    for (const records of retries) await this.write(records, true);
    await this.replay();
    // Only what is queued now, so a steady stream of new requests cannot keep flush() waiting.
    let budget = this.pendingRows;
    const writing: Promise<void>[] = [];
    let slice = performance.now();
    while (budget > 0 && this.pending.length > 0) {
      const chunk = this.takeChunk();
      budget -= chunk.rows;
      const records = this.convert(chunk.batches);
      if (records.length > 0) writing.push(this.write(records, false));
      if (writing.length >= this.maxWritesInFlight) await writing.shift();
      // Serialising and a synchronous driver (SQLite) hold the event loop: after a few
      // milliseconds of it, let the requests that queued up run. Not after every step: behind
      // large requests each pause lasts a whole request, and the log would fall behind them.
      if (performance.now() - slice >= SLICE_MS) {
        await yieldToEventLoop();
        slice = performance.now();
      }
    }
    await Promise.all(writing);
  }

  /** Whole batches from the head of the queue, up to `batchRows` rows (at least one batch). */
  private takeChunk(): { batches: PredictionRecord[][]; rows: number } {
    let rows = 0;
    let count = 0;
    while (count < this.pending.length) {
      const n = (this.pending[count] as PredictionRecord[]).length;
      if (count > 0 && rows + n > this.batchRows) break;
      rows += n;
      count++;
    }
    const batches = this.pending.splice(0, count);
    this.pendingRows -= rows;
    return { batches, rows };
  }

  private convert(batches: readonly PredictionRecord[][]): PredictionRecord[] {
    return batches.length === 1 ? (batches[0] as PredictionRecord[]) : batches.flat();
  }

  private async write(records: PredictionRecord[], isRetry: boolean): Promise<void> {
    // While older rows wait in the spool, newer ones queue behind them there: the log stays in order.
    if (this.spool && this.spool.rows() > 0) return this.toSpool(records, undefined);
    try {
      await this.store.appendPredictions(records);
      this.counts.queuedRows -= records.length;
      this.counts.writtenRows += records.length;
    } catch (e) {
      if (!isRetry) {
        this.retries.push(records);
        return;
      }
      this.counts.failedWrites++;
      await this.toSpool(records, e);
    }
  }

  /** Keep rows the store could not take in the spool; drop them (counted, reported) when it is full. */
  private async toSpool(records: PredictionRecord[], cause: unknown): Promise<void> {
    const kept = this.spool ? await this.spool.append(records).catch(() => false) : false;
    if (!kept) {
      const full = this.spool ? new Error(`prediction spool full: ${records.length} rows dropped`) : cause;
      return this.dropQueued(records.length, full);
    }
    this.counts.queuedRows -= records.length;
    this.counts.spooledRows += records.length;
    if (cause !== undefined) this.report(cause);
  }

  /** Write the spooled rows back, oldest first, until the spool is empty or the store fails again. */
  private async replay(): Promise<void> {
    if (!this.spool) return;
    await this.spool.open().catch(() => {});
    if (this.spool.rows() === 0) return;
    for (;;) {
      const records = await this.spool.peek().catch(() => undefined);
      if (!records) return;
      try {
        if (records.length > 0) await this.store.appendPredictions(records);
      } catch {
        return; // still down: the next flush tries again
      }
      await this.spool.shift();
      this.counts.replayedRows += records.length;
      this.counts.writtenRows += records.length;
    }
  }

  private dropQueued(n: number, e: unknown): void {
    this.counts.queuedRows -= n;
    this.counts.droppedRows += n;
    this.report(e);
  }

  private report(e: unknown): void {
    try {
      this.onError(e);
    } catch {
      // A failing error handler must not break logging or the request that logged.
    }
  }
}
