/**
 * The prediction log's writer thread on an embedded SQLite file: its own connection encodes and
 * inserts the batches the serving thread hands over, and runs the log's upkeep statements
 * (retention deletes) between them, so neither ever holds the event loop that answers requests.
 * Messages are handled one at a time, in order.
 */
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import type { SqlValue } from "../../../core/db/database.js";
import { sqliteDialect } from "../../../core/db/sqlite/sqlite-database.js";
import { lowerThreadPriority } from "../../../core/thread-priority.js";
import { LogCatalog } from "../sql/log-catalog.js";
import { LogWriter } from "../sql/log-writer.js";
import { decodeRows } from "./row-transport.js";
import { SyncQueryable } from "./sync-queryable.js";

/** What the serving thread sends. */
export type WriterMessage =
  | { kind: "rows"; id: number; buffer: ArrayBuffer; length: number; names: string[] }
  | { kind: "sql"; id: number; method: "run" | "all"; sql: string; params: SqlValue[] }
  | { kind: "stop" };

/** What the thread answers (`buffer` is handed back for reuse). */
export type WriterReply =
  | { id: number; ok: true; buffer?: ArrayBuffer; result?: unknown }
  | { id: number; ok: false; message: string; buffer?: ArrayBuffer }
  | { stopped: true };

const port = parentPort;
if (port) {
  const { path } = workerData as { path: string };
  // Batches wait in the serving thread's queue a little longer when the cores are busy; answers do not.
  lowerThreadPriority();
  const db = new BetterSqlite3(path);
  db.pragma("busy_timeout = 10000");
  db.pragma("synchronous = NORMAL");
  const q = new SyncQueryable(db);
  const writer = new LogWriter(new LogCatalog(), sqliteDialect);
  let queue = Promise.resolve();
  port.on("message", (m: WriterMessage) => {
    queue = queue.then(() => handle(m));
  });

  async function handle(m: WriterMessage): Promise<void> {
    if (m.kind === "stop") {
      db.close();
      port?.postMessage({ stopped: true } satisfies WriterReply);
      return;
    }
    const buffer = m.kind === "rows" ? m.buffer : undefined;
    try {
      let result: unknown;
      if (m.kind === "rows") {
        const records = decodeRows(new Uint8Array(m.buffer, 0, m.length), m.names);
        const rows = await writer.prepare(q, records);
        await q.transaction(() => writer.insert(q, rows));
      } else {
        result = m.method === "run" ? await q.run(m.sql, m.params) : await q.all(m.sql, m.params);
      }
      const reply: WriterReply = { id: m.id, ok: true, ...(buffer ? { buffer } : {}), result };
      port?.postMessage(reply, buffer ? [buffer] : []);
    } catch (e) {
      const message = String((e as Error)?.message ?? e);
      port?.postMessage(
        { id: m.id, ok: false, message, ...(buffer ? { buffer } : {}) } satisfies WriterReply,
        buffer ? [buffer] : [],
      );
    }
  }
}
