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
import { PREDICTION_COLUMNS, PREDICTION_CONFLICT } from "../sql/sql-prediction-log-store.js";

// CommonJS source for the worker (eval'd, so it runs the same under tsx and from dist/).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 10000");
db.pragma("synchronous = NORMAL");
const insert = db.prepare(workerData.sql);
const decoder = new TextDecoder();
// Lines of: JSON array of the row without inputs_json, U+0001, the inputs JSON text as it is.
const insertAll = db.transaction((text) => {
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf("\\n", start);
    const sep = text.indexOf("\\u0001", start);
    const row = JSON.parse(text.slice(start, sep));
    const score = row[8];
    if (typeof score === "string") row[8] = Number(score);
    row.splice(8, 0, text.slice(sep + 1, nl));
    insert.run(row);
    start = nl + 1;
  }
});
// Each reply hands the buffer back, for the next batch to be written into.
parentPort.on("message", (m) => {
  if (m.stop) { db.close(); parentPort.postMessage({ stopped: true }); return; }
  try { insertAll(decoder.decode(new Uint8Array(m.buffer, 0, m.length))); parentPort.postMessage({ id: m.id, ok: true, buffer: m.buffer }, [m.buffer]); }
  catch (e) { parentPort.postMessage({ id: m.id, ok: false, message: String(e && e.message || e), buffer: m.buffer }, [m.buffer]); }
});
`;

/**
 * Rows as UTF-8 lines: the row's values without `inputs_json` as a JSON array (in
 * PREDICTION_COLUMNS order), then U+0001, then the inputs JSON text unchanged (neither JSON text can
 * hold a raw U+0001 or newline). Each piece is written straight into one buffer that is then
 * transferred, not copied, and comes back with the writer's reply to be filled again: a fresh
 * large allocation per batch (a joined string, or a new buffer) pays a page fault for every 4 KiB
 * it touches. Non-finite scores go as text (JSON has no NaN or Infinity); NaN becomes NULL as in
 * `predictionValues`. `spare` is a buffer to write into when it is large enough.
 */
export function encodeRows(records: readonly PredictionRecord[], spare?: ArrayBuffer): Uint8Array {
  const size = Math.max(4096, records.length * 768);
  // Not from Buffer's shared pool, so the whole ArrayBuffer is ours to transfer.
  let buf: Buffer = spare && spare.byteLength >= size ? Buffer.from(spare) : Buffer.allocUnsafeSlow(size);
  let at = 0;
  // A batch mostly repeats one deployment and model: encode those strings once per run of equal values.
  let deployment = "";
  let deploymentJson = '""';
  let model = "";
  let modelJson = '""';
  let version = "";
  let versionJson = '""';
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as PredictionRecord;
    if (r.deployment !== deployment) {
      deployment = r.deployment;
      deploymentJson = JSON.stringify(deployment);
    }
    if (r.modelName !== model) {
      model = r.modelName;
      modelJson = JSON.stringify(model);
    }
    if (r.modelVersion !== version) {
      version = r.modelVersion;
      versionJson = JSON.stringify(version);
    }
    const key = r.routingKey === undefined ? "null" : JSON.stringify(r.routingKey);
    const head =
      `[${deploymentJson},${JSON.stringify(r.requestId)},${num(r.row)},"${r.variant}",${r.shadow ? 1 : 0},` +
      `${modelJson},${versionJson},${key},${scoreText(r.score)},${JSON.stringify(r.label)},${num(r.time)},${num(r.latencyMs)}]`;
    // Worst case three UTF-8 bytes per UTF-16 unit, plus the separator and the newline.
    const need = 3 * (head.length + r.inputs.length) + 2;
    if (at + need > buf.length) buf = grown(buf, at, at + need);
    at += buf.write(head, at);
    buf[at++] = 1;
    at += buf.write(r.inputs, at);
    buf[at++] = 10;
  }
  return new Uint8Array(buf.buffer, 0, at);
}

/** A buffer of at least `min` bytes (doubling) holding the first `used` bytes of `buf`. */
function grown(buf: Buffer, used: number, min: number): Buffer {
  const next = Buffer.allocUnsafeSlow(Math.max(min, buf.length * 2));
  buf.copy(next, 0, 0, used);
  return next;
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : "null";
}

function scoreText(score: number): string {
  if (Number.isFinite(score)) return String(score);
  return Number.isNaN(score) ? "null" : `"${score}"`;
}

/** A {@link PredictionLogStore} whose prediction inserts run on a worker thread. */
export class SqliteWorkerPredictionLogStore implements PredictionLogStore {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 1;
  /** The last buffer the writer handed back. */
  private spare: ArrayBuffer | undefined;
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
    this.worker.on("message", (m: { id?: number; ok?: boolean; message?: string; buffer?: ArrayBuffer }) => {
      if (m.buffer) this.spare = m.buffer;
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
    const bytes = encodeRows(records, this.spare);
    if (bytes.buffer === this.spare) this.spare = undefined;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const buffer = bytes.buffer as ArrayBuffer;
      this.worker.postMessage({ id, buffer, length: bytes.length }, [buffer]);
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
