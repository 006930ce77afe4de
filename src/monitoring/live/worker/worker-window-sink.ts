/**
 * The window sink of a serving process: rows and feedback go to the aggregator thread. The serving
 * thread only encodes each written batch into one buffer and transfers it. Rows the thread has not
 * taken in yet are bounded: beyond `maxBacklogRows` new rows are left out of the aggregates
 * (counted, and warned about) rather than piling up in memory.
 */
import type { Worker } from "node:worker_threads";
import { MwError } from "../../../core/errors.js";
import type { FeedbackRecord, PredictionRecord } from "../../../serving/prediction-log/prediction-log-store.js";
import type { WindowSink } from "../windows/aggregating-log-store.js";
import type { WindowAggregatorOptions } from "../windows/window-aggregator.js";
import { encodeLoggedRows } from "./logged-rows-codec.js";
import { startWorker } from "./start-worker.js";
import type { AggregatorReply, AggregatorRequest, AggregatorWorkerData } from "./window-aggregator-worker.js";
import type { WorkerStoresConfig } from "./worker-platform.js";

export interface WorkerSinkOptions extends Omit<WindowAggregatorOptions, "timer"> {
  /** Rows handed over and not yet taken in by the thread, at most (default 500,000). */
  maxBacklogRows?: number;
  warn?: (message: string) => void;
  /** Progress lines (the backfill of earlier predictions). */
  note?: (message: string) => void;
  backfill?: AggregatorWorkerData["backfill"];
}

/** A {@link WindowSink} on a worker thread. */
export class WorkerWindowSink implements WindowSink {
  private worker: Worker | undefined;
  private backlog = 0;
  private dropped = 0;
  private nextId = 1;
  private readonly done = new Map<number, (error?: string) => void>();
  private closed = false;
  private readonly maxBacklogRows: number;
  /** Before any row this process logs: the backfill's bound for deployments without one. */
  private readonly startedAt = Date.now();
  private isReady = false;
  private resolveReady: () => void = () => {};
  /** Settles once the thread fixed the backfill's bounds (or failed, or the sink closed). */
  private readonly started = new Promise<void>((resolve) => {
    this.resolveReady = resolve;
  });

  constructor(
    private readonly stores: WorkerStoresConfig,
    private readonly o: WorkerSinkOptions = {},
  ) {
    this.maxBacklogRows = o.maxBacklogRows ?? 500_000;
    this.thread();
  }

  ready(): Promise<void> {
    return this.started;
  }

  /** Rows left out of the aggregates because the thread fell behind. */
  get droppedRows(): number {
    return this.dropped;
  }

  addPredictions(records: readonly PredictionRecord[]): void {
    if (this.closed) return;
    const encoded = encodeLoggedRows(records);
    if (!encoded) return;
    if (this.backlog + encoded.rows > this.maxBacklogRows) {
      if (this.dropped === 0) this.o.warn?.("window aggregates: the aggregator fell behind; rows are left out");
      this.dropped += encoded.rows;
      return;
    }
    this.backlog += encoded.rows;
    const buffer = encoded.bytes.buffer as ArrayBuffer;
    this.send({ type: "rows", buffer, length: encoded.bytes.byteLength, names: encoded.names }, [buffer]);
  }

  addFeedback(records: readonly FeedbackRecord[]): void {
    if (this.closed || records.length === 0) return;
    this.send({ type: "feedback", records: [...records] });
  }

  /** Resolves once the thread has written everything handed over before the call. */
  drain(): Promise<void> {
    return this.ask("drain");
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.markReady();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
    await Promise.race([this.ask("close").catch((e: Error) => this.o.warn?.(e.message)), timeout]);
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private markReady(): void {
    this.isReady = true;
    this.resolveReady();
  }

  private ask(type: "drain" | "close"): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.done.set(id, (error) =>
        error === undefined ? resolve() : reject(new MwError("INTERNAL_ERROR", `window aggregates: ${error}`)),
      );
      const w = this.thread();
      w.ref();
      w.postMessage({ type, id } satisfies AggregatorRequest);
    });
  }

  private send(m: AggregatorRequest, transfer: ArrayBuffer[] = []): void {
    this.thread().postMessage(m, transfer);
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const { maxBacklogRows: _, warn: __, note: ___, backfill, ...options } = this.o;
    const data: AggregatorWorkerData = {
      stores: this.stores,
      options,
      startedAt: this.startedAt,
      ...(backfill ? { backfill } : {}),
    };
    const w = startWorker("window-aggregator-worker", data);
    w.on("message", (m: AggregatorReply) => {
      if (m.type === "taken") this.backlog -= m.rows;
      else if (m.type === "warn") this.o.warn?.(m.message);
      else if (m.type === "note") this.o.note?.(m.message);
      else if (m.type === "ready") {
        this.markReady();
        if (this.done.size === 0) w.unref();
      } else {
        this.done.get(m.id)?.(m.error);
        this.done.delete(m.id);
        if (this.done.size === 0) w.unref();
      }
    });
    const fail = (message: string) => {
      this.markReady();
      if (this.worker !== w) return;
      this.worker = undefined;
      this.backlog = 0;
      for (const settle of this.done.values()) settle(message);
      this.done.clear();
      this.o.warn?.(`window aggregates: ${message}; starting it again`);
    };
    w.on("error", (e) => fail(`the aggregator thread failed: ${e.message}`));
    w.on("exit", (code) => fail(`the aggregator thread exited with code ${code}`));
    // Idle, it must not keep the process alive (close() writes what it holds); held until ready,
    // as the first rows wait for it.
    if (this.isReady) w.unref();
    this.worker = w;
    return w;
  }
}
