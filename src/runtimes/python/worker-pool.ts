/**
 * A pool of Python workers scoring one model. Requests queue; an idle worker takes everything queued
 * (up to `maxBatchRows`) as one call, so concurrent requests are micro-batched while workers are busy.
 * A worker that dies or overruns `timeoutMs` is killed and restarted; only the requests of its call
 * fail, with 503 TEMPORARILY_UNAVAILABLE. A batch the model rejects is retried request by request, so
 * one bad request does not fail its neighbours.
 */
import { MwError } from "../../core/errors.js";
import type { Frame, WireBatch } from "./frames.js";
import { concatBatches, encodeBatch, encodeFrame, scoresOf } from "./frames.js";
import type { ProcessGone, ProcessOptions } from "./python-process.js";
import { PythonProcess } from "./python-process.js";

/** Pool settings. */
export interface PoolOptions extends ProcessOptions {
  workers: number;
  /** Rows one call may take from the queue (a bigger request still goes alone). */
  maxBatchRows: number;
  /** A call that takes longer kills its worker. */
  timeoutMs: number;
  /** Starting a worker and loading the model may take this long. */
  startTimeoutMs: number;
  /** The load frame's header, sent to every worker once it starts. */
  load: Record<string, unknown>;
  /** Told when a worker dies or cannot be restarted. */
  warn?: (message: string) => void;
}

/** Counters since the pool started. */
export interface PoolStats {
  /** Predict calls sent to workers. */
  calls: number;
  requests: number;
  rows: number;
  /** Worker restarts begun (after a crash, a timeout or a failed restart). */
  restarts: number;
  /** Requests failed because their worker died or timed out. */
  lostRequests: number;
}

/** A request's scores: `rows × width` float64, row-major. */
export interface PoolAnswer {
  width: number;
  scores: Float64Array;
}

interface Pending {
  batch: WireBatch;
  /** Retried alone after its batch failed. */
  solo: boolean;
  resolve: (a: PoolAnswer) => void;
  reject: (e: Error) => void;
}

interface Slot {
  proc?: PythonProcess;
  state: "starting" | "idle" | "busy" | "down";
  inFlight: Pending[];
  startFailures: number;
}

/** The pool; {@link WorkerPool.start} resolves once every worker has loaded the model. */
export class WorkerPool {
  private readonly slots: Slot[];
  private readonly queue: Pending[] = [];
  private closed = false;
  /** Set once every worker loaded the model; failures before that refuse the load instead. */
  private running = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly counters: PoolStats = { calls: 0, requests: 0, rows: 0, restarts: 0, lostRequests: 0 };

  private constructor(private readonly options: PoolOptions) {
    this.slots = Array.from({ length: options.workers }, () => ({ state: "down", inFlight: [], startFailures: 0 }));
  }

  /** Start every worker; rejects with the first worker's load error (the pool is then closed). */
  static async start(options: PoolOptions): Promise<{ pool: WorkerPool; hello: Record<string, unknown> }> {
    const pool = new WorkerPool(options);
    try {
      const hellos = await Promise.all(pool.slots.map((slot) => pool.startSlot(slot)));
      pool.running = true;
      return { pool, hello: hellos[0] as Record<string, unknown> };
    } catch (e) {
      await pool.close();
      throw e;
    }
  }

  /** Score one batch: queued, sent with its neighbours, answered with its own rows. */
  submit(batch: WireBatch): Promise<PoolAnswer> {
    if (this.closed) return Promise.reject(new MwError("TEMPORARILY_UNAVAILABLE", "the Python model is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, solo: false, resolve, reject });
      this.pump();
    });
  }

  /** Counters (calls < requests means requests were batched). */
  stats(): PoolStats {
    return { ...this.counters };
  }

  /** Each worker's process id and how many requests its current call carries. */
  workers(): Array<{ pid?: number; state: Slot["state"]; inFlight: number }> {
    return this.slots.map((s) => ({ pid: s.proc?.pid, state: s.state, inFlight: s.inFlight.length }));
  }

  /** Stop every worker (each finishes its current call first) and fail what is still queued. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const p of this.queue.splice(0)) p.reject(new MwError("TEMPORARILY_UNAVAILABLE", "the Python model closed"));
    await Promise.all(this.slots.map((s) => s.proc?.stop(5000)));
  }

  private async startSlot(slot: Slot): Promise<Record<string, unknown>> {
    const proc = new PythonProcess(this.options);
    slot.proc = proc;
    slot.state = "starting";
    proc.onExit((reason) => this.onExit(slot, proc, reason));
    let reply: Frame;
    try {
      reply = await this.withTimeout(proc, proc.call(encodeFrame({ op: "load", ...this.options.load })), "start");
    } catch (e) {
      if (e instanceof MwError) throw e;
      const tail = proc.stderrTail().split("\n").pop();
      throw new MwError(
        "INVALID_PARAMETER_VALUE",
        `the Python worker ${(e as Error).message}${tail ? `: ${tail}` : ""}`,
      );
    }
    if (reply.header.ok !== true) {
      proc.kill();
      throw new MwError("INVALID_PARAMETER_VALUE", String(reply.header.error));
    }
    slot.state = "idle";
    slot.startFailures = 0;
    this.pump();
    return reply.header;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.state === "idle");
      if (!slot) return;
      void this.dispatch(slot, this.takeBatch());
    }
  }

  private takeBatch(): Pending[] {
    const first = this.queue.shift() as Pending;
    const taken = [first];
    let rows = first.batch.rows;
    while (!first.solo && this.queue.length > 0) {
      const next = this.queue[0] as Pending;
      if (next.solo || rows + next.batch.rows > this.options.maxBatchRows) break;
      taken.push(this.queue.shift() as Pending);
      rows += next.batch.rows;
    }
    return taken;
  }

  private async dispatch(slot: Slot, requests: Pending[]): Promise<void> {
    const proc = slot.proc as PythonProcess;
    const batch = concatBatches(requests.map((r) => r.batch));
    slot.state = "busy";
    slot.inFlight = requests;
    this.counters.calls++;
    this.counters.requests += requests.length;
    this.counters.rows += batch.rows;
    let reply: Frame;
    try {
      reply = await this.withTimeout(proc, proc.call(encodeBatch(batch)), "call");
    } catch (e) {
      // Timed out (the worker is being killed); a worker that died is handled by onExit.
      if (e instanceof MwError) this.loseInFlight(slot, proc, e.message);
      return;
    }
    slot.inFlight = [];
    slot.state = "idle";
    try {
      this.answer(requests, batch.rows, reply);
    } catch (e) {
      for (const r of requests) r.reject(new MwError("INTERNAL_ERROR", `bad reply from the Python worker: ${e}`));
    }
    this.pump();
  }

  private answer(requests: Pending[], rows: number, reply: Frame): void {
    if (reply.header.ok !== true) {
      if (requests.length > 1) {
        this.queue.unshift(...requests.map((r) => ({ ...r, solo: true })));
        return;
      }
      const message = `the model could not score the input: ${String(reply.header.error)}`;
      for (const r of requests) r.reject(new MwError("INVALID_PARAMETER_VALUE", message));
      return;
    }
    const width = Number(reply.header.width);
    const scores = scoresOf(reply.body, rows * width);
    let at = 0;
    for (const r of requests) {
      const n = r.batch.rows * width;
      r.resolve({ width, scores: requests.length === 1 ? scores : scores.slice(at, at + n) });
      at += n;
    }
  }

  /** The call's result, or the worker killed when it takes too long. */
  private withTimeout<T>(proc: PythonProcess, call: Promise<T>, what: "start" | "call"): Promise<T> {
    const ms = what === "start" ? this.options.startTimeoutMs : this.options.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        proc.kill();
        if (what === "call") reject(new MwError("TEMPORARILY_UNAVAILABLE", `did not answer within ${ms / 1000} s`));
        else
          reject(
            new MwError("INVALID_PARAMETER_VALUE", `the Python worker did not load the model within ${ms / 1000} s`),
          );
      }, ms);
    });
    return Promise.race([call, overrun]).finally(() => clearTimeout(timer));
  }

  private onExit(slot: Slot, proc: PythonProcess, reason: ProcessGone): void {
    if (slot.proc !== proc) return;
    const wasStarting = slot.state === "starting";
    this.loseInFlight(slot, proc, `${reason.message} during the call`);
    if (this.closed || !this.running) return;
    const tail = proc.stderrTail().split("\n").slice(-5).join("\n");
    this.options.warn?.(`Python worker ${proc.pid} ${reason.message}; restarting it.${tail ? ` stderr: ${tail}` : ""}`);
    if (wasStarting) slot.startFailures++;
    this.restartLater(slot);
  }

  /** Fail the requests of the slot's current call (its worker is gone or being killed). */
  private loseInFlight(slot: Slot, proc: PythonProcess, what: string): void {
    slot.state = "down";
    const lost = slot.inFlight.splice(0);
    if (lost.length === 0) return;
    this.counters.lostRequests += lost.length;
    const message = `the Python worker (pid ${proc.pid}) ${what}; it is being restarted`;
    for (const r of lost) r.reject(new MwError("TEMPORARILY_UNAVAILABLE", message));
  }

  private restartLater(slot: Slot): void {
    const delay = slot.startFailures === 0 ? 0 : Math.min(100 * 2 ** slot.startFailures, 10_000);
    this.counters.restarts++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.closed) return;
      this.startSlot(slot).catch((e: Error) => this.startFailed(e));
    }, delay);
    this.timers.add(timer);
  }

  private startFailed(error: Error): void {
    if (this.closed) return;
    this.options.warn?.(`a Python worker could not be restarted: ${error.message}`);
    // With no worker able to answer, queued requests fail now rather than wait for a recovery.
    if (this.slots.some((s) => s.state === "idle" || s.state === "busy")) return;
    const message = `no Python worker is running (${error.message}); retrying`;
    for (const p of this.queue.splice(0)) p.reject(new MwError("TEMPORARILY_UNAVAILABLE", message));
  }
}
