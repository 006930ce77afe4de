/**
 * The prediction log on an embedded SQLite file, written by a worker thread with its own
 * connection. better-sqlite3 is synchronous, so on the event loop every insert would pause request
 * handling; here the serving thread only hands over row values and the inserts (and their commits)
 * run beside it. Reads and feedback (rare) go through the platform's connection.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { MwError } from "../../../core/errors.js";
import type { FeedbackRecord, PredictionLogStore, PredictionQuery, PredictionRecord } from "../prediction-log-store.js";
import type { SqlPredictionLogStore } from "../sql/sql-prediction-log-store.js";
import { PREDICTION_COLUMNS, PREDICTION_CONFLICT, predictionValues } from "../sql/sql-prediction-log-store.js";

// CommonJS source for the worker (eval'd, so it runs the same under tsx and from dist/).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 10000");
db.pragma("synchronous = NORMAL");
const insert = db.prepare(workerData.sql);
// Lines of: JSON array of the row without inputs_json, U+0001, the inputs JSON text as it is.
const insertAll = db.transaction((text) => {
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf("\\n", start);
    const sep = text.indexOf("\\u0001", start);
    const row = JSON.parse(text.slice(start, sep));
    const score = row[8];
    if (typeof score === "string") row[8] = score === "NaN" ? null : Number(score);
    row.splice(8, 0, text.slice(sep + 1, nl));
    insert.run(row);
    start = nl + 1;
  }
});
parentPort.on("message", (m) => {
  if (m.stop) { db.close(); parentPort.postMessage({ stopped: true }); return; }
  try { insertAll(m.text); parentPort.postMessage({ id: m.id, ok: true }); }
  catch (e) { parentPort.postMessage({ id: m.id, ok: false, message: String(e && e.message || e) }); }
});
`;

/**
 * Rows as one text of lines: the row's values without `inputs_json` as a JSON array, then U+0001,
 * then the inputs JSON text unchanged (neither JSON text can hold a raw U+0001 or newline). One
 * string crosses to the thread as a flat copy, far cheaper than a structured clone of the row
 * arrays (or than encoding to UTF-8 and back), and the inputs are never re-escaped. Non-finite
 * scores go as text, since JSON has no NaN or Infinity.
 */
export function encodeRows(records: readonly PredictionRecord[]): string {
  let text = "";
  for (const r of records) {
    const head = predictionValues(r);
    // inputs_json travels raw after the separator; a non-finite score as text.
    head.splice(8, 1);
    if (!Number.isFinite(r.score)) head[8] = String(r.score);
    text += `${JSON.stringify(head)}\u0001${r.inputs}\n`;
  }
  return text;
}

/** A {@link PredictionLogStore} whose prediction inserts run on a worker thread. */
export class SqliteWorkerPredictionLogStore implements PredictionLogStore {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;

  /** `path` is the SQLite file; `reader` is the store over the platform's own connection. */
  constructor(
    path: string,
    private readonly reader: SqlPredictionLogStore,
  ) {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const sql = `INSERT INTO prediction_log (${PREDICTION_COLUMNS.join(", ")}) VALUES (${PREDICTION_COLUMNS.map(() => "?").join(", ")}) ${PREDICTION_CONFLICT}`;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, sql } });
    this.worker.unref();
    this.worker.on("message", (m: { id?: number; ok?: boolean; message?: string }) => {
      const w = m.id === undefined ? undefined : this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id as number);
      if (m.ok) w.resolve();
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
    const text = encodeRows(records);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, text });
    });
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

  countPredictions(deployment: string): Promise<number> {
    return this.reader.countPredictions(deployment);
  }

  /** Finish the writes in progress and stop the thread. */
  async close(): Promise<void> {
    if (this.failure) return;
    // Messages are handled in order: the stop reply comes after every earlier write's reply.
    await new Promise<void>((resolve) => {
      const timeout = setTimeout(resolve, 10_000);
      const onMessage = (m: { stopped?: boolean }) => {
        if (!m.stopped) return;
        clearTimeout(timeout);
        this.worker.off("message", onMessage);
        resolve();
      };
      this.worker.on("message", onMessage);
      this.worker.postMessage({ stop: true });
    });
    this.failure = new MwError("INTERNAL_ERROR", "the prediction log writer is closed");
    await this.worker.terminate();
  }
}
