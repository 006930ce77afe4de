/**
 * The prediction log on an embedded SQLite file, written by a worker thread with its own
 * connection. better-sqlite3 is synchronous, so on the event loop every insert (and every
 * retention delete) would pause request handling; here the serving thread only hands over row
 * values, and the encoding, inserts, commits and deletes run beside it. Reads and feedback (rare)
 * go through the platform's connection.
 */
import type { Worker } from "node:worker_threads";
import type { Queryable, SqlValue } from "../../../core/db/database.js";
import { MwError } from "../../../core/errors.js";
import { startModuleWorker } from "../../../core/threads/module-worker.js";
import type {
  FeedbackRecord,
  LabeledScore,
  LabeledScoreQuery,
  PredictionLogStore,
  PredictionQuery,
  PredictionRecord,
} from "../prediction-log-store.js";
import type { SqlPredictionLogStore } from "../sql/sql-prediction-log-store.js";
import type { WriterMessage, WriterReply } from "./log-writer-thread.js";
import { encodeRows } from "./row-transport.js";

/** Returned buffers kept for reuse: enough for the writes a logger keeps in flight. */
const MAX_SPARES = 8;

type Waiter = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** A {@link PredictionLogStore} whose prediction inserts run on a worker thread. */
export class SqliteWorkerPredictionLogStore implements PredictionLogStore {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  /** Buffers the writer handed back (as many as batches can be in flight at once). */
  private spares: ArrayBuffer[] = [];
  private failure: Error | undefined;

  /** `path` is the SQLite file; `reader` is the store over the platform's own connection. */
  constructor(
    path: string,
    private readonly reader: SqlPredictionLogStore,
  ) {
    this.worker = startModuleWorker(new URL("./log-writer-thread.js", import.meta.url), { path });
    this.worker.unref();
    this.worker.on("message", (m: WriterReply) => {
      if ("stopped" in m) return;
      if (m.buffer && this.spares.length < MAX_SPARES) this.spares.push(m.buffer);
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (m.ok) w.resolve(m.result);
      else w.reject(new MwError("INTERNAL_ERROR", `prediction log write failed: ${m.message}`));
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    };
    this.worker.on("error", (e) => fail(new MwError("INTERNAL_ERROR", "prediction log writer failed", { cause: e })));
    this.worker.on("exit", (code) => fail(new MwError("INTERNAL_ERROR", `prediction log writer exited with ${code}`)));
  }

  appendPredictions(records: readonly PredictionRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    const spare = this.spares.pop();
    const { bytes, names } = encodeRows(records, spare);
    if (spare && bytes.buffer !== spare) this.spares.push(spare);
    const buffer = bytes.buffer as ArrayBuffer;
    return this.send({ kind: "rows", id: 0, buffer, length: bytes.length, names }, [buffer]).then(() => {});
  }

  /**
   * Statements on the writer's connection, between its inserts (retention deletes run here, off
   * the serving thread and without contending for the write lock). Transactions are not offered:
   * each statement commits on its own.
   */
  upkeepConnection(): Queryable {
    const sql = (method: "run" | "all", text: string, params: readonly SqlValue[] = []) =>
      this.send({ kind: "sql", id: 0, method, sql: text, params: [...params] }, []);
    return {
      all: async <T>(text: string, params?: readonly SqlValue[]) => (await sql("all", text, params)) as T[],
      get: async <T>(text: string, params?: readonly SqlValue[]) => ((await sql("all", text, params)) as T[])[0],
      run: async (text: string, params?: readonly SqlValue[]) => (await sql("run", text, params)) as number,
      insertMany: async () => {
        throw new MwError("INTERNAL_ERROR", "the log writer's upkeep connection does not insert");
      },
    };
  }

  appendFeedback(records: readonly FeedbackRecord[]): Promise<void> {
    return this.reader.appendFeedback(records);
  }

  listPredictions(query: PredictionQuery): Promise<PredictionRecord[]> {
    return this.reader.listPredictions(query);
  }

  listFeedback(query: { deployment: string; since?: number; limit?: number }): Promise<FeedbackRecord[]> {
    return this.reader.listFeedback(query);
  }

  listLabeledScores(query: LabeledScoreQuery): Promise<LabeledScore[]> {
    return this.reader.listLabeledScores(query);
  }

  feedbackTargetTimes(records: readonly FeedbackRecord[]): Promise<(number | undefined)[]> {
    return this.reader.feedbackTargetTimes(records);
  }

  countPredictions(deployment: string): Promise<number> {
    return this.reader.countPredictions(deployment);
  }

  /** Finish the writes in progress and stop the thread. */
  async close(): Promise<void> {
    if (this.failure) return;
    // Messages are handled in order: the stop reply comes after every earlier write's reply.
    await new Promise<void>((resolve) => {
      const timeout = setTimeout(resolve, 10_000);
      const onMessage = (m: WriterReply) => {
        if (!("stopped" in m)) return;
        clearTimeout(timeout);
        this.worker.off("message", onMessage);
        resolve();
      };
      this.worker.on("message", onMessage);
      this.worker.postMessage({ kind: "stop" } satisfies WriterMessage);
    });
    this.failure = new MwError("INTERNAL_ERROR", "the prediction log writer is closed");
    await this.worker.terminate();
  }

  private send(m: Extract<WriterMessage, { id: number }>, transfer: ArrayBuffer[]): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...m, id }, transfer);
    });
  }
}
