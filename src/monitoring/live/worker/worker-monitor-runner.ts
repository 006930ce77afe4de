/**
 * Monitor runs on a worker thread, one at a time, each within a time budget: a run that overruns
 * it is cancelled (the thread is stopped, whatever it was doing, and started again for the next
 * run) and fails with a message that says so. While requests are being served, a run uses at
 * most `cpuShare` of a core (see Pacer); its pauses do not count against its budget.
 */
import type { Worker } from "node:worker_threads";
import type { Clock } from "../../../core/clock.js";
import { formatDuration } from "../../../core/duration.js";
import { MwError } from "../../../core/errors.js";
import { Deadline } from "../../../core/threads/deadline.js";
import type { MonitorConfig, MonitorResult } from "../monitor.js";
import type { MonitorRunner } from "../monitor-runner.js";
import type { RunReply, RunRequest, RunWorkerData } from "./monitor-run-worker.js";
import { startWorker } from "./start-worker.js";
import type { WorkerStoresConfig } from "./worker-platform.js";

export interface WorkerRunnerOptions {
  /** Longest a run may take (default 60 s). */
  budgetMs?: number;
  clock: Clock;
  maxRows?: number;
  maxLabels?: number;
  /** The serving thread's request count; with it, runs give way while requests flow. */
  activity?: SharedArrayBuffer;
  /** Share of a core a run may use while requests flow (default 0.03; 1: no pauses). */
  cpuShare?: number;
}

type Waiting = { resolve: (r: RunReply) => void; reject: (e: Error) => void };

/** A {@link MonitorRunner} on a worker thread. */
export class WorkerMonitorRunner implements MonitorRunner {
  private worker: Worker | undefined;
  /** Settles when the current thread has opened its stores (or failed to start). */
  private ready: Promise<void> = Promise.resolve();
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly budgetMs: number;
  private closed = false;
  private failed: Error | undefined;
  private paused = 0;
  /** Moves the current run's deadline later (by a pause the thread reported). */
  private extendBudget: (ms: number) => void = () => {};

  constructor(
    private readonly stores: WorkerStoresConfig,
    private readonly o: WorkerRunnerOptions,
  ) {
    this.budgetMs = o.budgetMs ?? 60_000;
    // Started now, so the first run does not pay for loading the thread.
    this.thread();
  }

  /**
   * Runs queue behind each other; each one's budget (`budgetMs`, else the runner's) starts when
   * it starts on a thread that is ready (starting a thread is not the run's time).
   */
  run(config: MonitorConfig, o: { budgetMs?: number } = {}): Promise<MonitorResult[]> {
    const next = this.queue.then(() => this.runNow(config, o.budgetMs ?? this.budgetMs));
    this.queue = next.catch(() => {});
    return next;
  }

  private async runNow(config: MonitorConfig, budgetMs: number): Promise<MonitorResult[]> {
    if (this.closed) throw new MwError("TEMPORARILY_UNAVAILABLE", "the monitor runner is closed");
    this.thread();
    await this.ready;
    const failed = this.failed;
    this.failed = undefined;
    if (failed && !this.worker) throw failed;
    let deadline: Deadline | undefined;
    const overrun = new Promise<never>((_, reject) => {
      deadline = new Deadline(budgetMs, () => {
        const e = new MwError(
          "TEMPORARILY_UNAVAILABLE",
          `cancelled: the run took longer than its time budget of ${formatDuration(budgetMs)}`,
        );
        this.stop(e);
        reject(e);
      });
    });
    this.extendBudget = (ms) => {
      this.paused += ms;
      deadline?.extend(ms);
    };
    try {
      const reply = await Promise.race([this.ask({ type: "run", config, now: this.o.clock.now() }), overrun]);
      if ("results" in reply) return reply.results;
      throw new MwError("INTERNAL_ERROR", "message" in reply ? reply.message : "the monitor worker closed");
    } finally {
      this.extendBudget = () => {};
      deadline?.clear();
    }
  }

  /** Time runs have paused to give way to serving, in total (ms). */
  get pausedMs(): number {
    return this.paused;
  }

  /** Stop the thread (after the run in progress, if any). */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    const w = this.worker;
    if (!w) return;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref());
    await Promise.race([this.ask({ type: "close" }).catch(() => {}), timeout]);
    this.stop(new Error("closed"));
  }

  private ask(m: { type: "run"; config: MonitorConfig; now: number } | { type: "close" }): Promise<RunReply> {
    const id = this.nextId++;
    const w = this.thread();
    return new Promise<RunReply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.ref();
      w.postMessage({ ...m, id } as RunRequest);
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const data: RunWorkerData = {
      stores: this.stores,
      statementMs: this.budgetMs,
      ...(this.o.maxRows !== undefined ? { maxRows: this.o.maxRows } : {}),
      ...(this.o.maxLabels !== undefined ? { maxLabels: this.o.maxLabels } : {}),
      ...(this.o.activity ? { pacing: { activity: this.o.activity, share: this.o.cpuShare ?? 0.03 } } : {}),
    };
    const w = startWorker("monitor-run-worker", data);
    let started: () => void = () => {};
    this.ready = new Promise<void>((resolve) => {
      started = resolve;
    });
    w.on("message", (reply: RunReply) => {
      if ("ready" in reply) {
        started();
        if (this.waiting.size === 0) w.unref();
        return;
      }
      if ("paused" in reply) {
        this.extendBudget(reply.paused);
        return;
      }
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      waiting?.resolve(reply);
      if (this.waiting.size === 0) w.unref();
    });
    const fail = (e: Error) => {
      // A thread that died starting: the run waiting for it fails with the reason, not a budget overrun.
      if (this.worker !== w) return;
      this.failed = e;
      started();
      this.stop(e);
    };
    w.on("error", (e) => fail(new MwError("INTERNAL_ERROR", `the monitor worker failed: ${e.message}`)));
    w.on("exit", (code) => fail(new MwError("INTERNAL_ERROR", `the monitor worker exited with code ${code}`)));
    // Held while it starts (a run may be waiting for it); idle, it must not keep the process alive.
    this.worker = w;
    return w;
  }

  /** End the thread now and fail whatever waits on it; the next run starts a new one. */
  private stop(e: Error): void {
    const w = this.worker;
    this.worker = undefined;
    for (const waiting of this.waiting.values()) waiting.reject(e);
    this.waiting.clear();
    if (w) void w.terminate();
  }
}
