/**
 * An export on a worker thread with its own connection (a read-only SQLite handle, or a one
 * connection PostgreSQL pool): reading, decoding and encoding never run on the thread that answers
 * requests. Chunks go to the parent as they are made; the thread waits for the parent to ask for
 * more, so at most a couple of chunks are ever in flight.
 */
import { parentPort, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import type { Queryable } from "../../../core/db/database.js";
import { openPostgres } from "../../../core/db/postgres/postgres-database.js";
import { LogCatalog } from "../sql/log-catalog.js";
import { SyncQueryable } from "../sqlite-worker/sync-queryable.js";
import type { ExportPlan } from "./export-plan.js";
import type { ExportFormat } from "./export-sinks.js";
import { exportChunks } from "./log-export.js";

/** Where the thread reads: a SQLite file or a PostgreSQL URI. */
export type ExportStore = { sqlite: string } | { postgres: string };

export interface ExportThreadData {
  store: ExportStore;
  plan: ExportPlan;
  format: ExportFormat;
}

/** Thread → parent. */
export type ExportThreadMessage =
  | { chunk: Uint8Array; rows: number }
  | { done: true; rows: number }
  | { error: string };

/** How many chunks may wait for the parent before the thread pauses. */
const IN_FLIGHT = 2;

const port = parentPort;
if (port) {
  const { store, plan, format } = workerData as ExportThreadData;
  let credit = IN_FLIGHT;
  let wake: (() => void) | undefined;
  port.on("message", () => {
    credit++;
    wake?.();
  });
  void run();

  async function run(): Promise<void> {
    const { q, close } = open(store);
    const progress = { rows: 0 };
    try {
      for await (const chunk of exportChunks({ q, catalog: new LogCatalog() }, plan, format, progress)) {
        while (credit === 0) await new Promise<void>((resolve) => (wake = resolve));
        credit--;
        const copy = new Uint8Array(chunk);
        port?.postMessage({ chunk: copy, rows: progress.rows } satisfies ExportThreadMessage, [copy.buffer]);
      }
      port?.postMessage({ done: true, rows: progress.rows } satisfies ExportThreadMessage);
    } catch (e) {
      port?.postMessage({ error: String((e as Error)?.message ?? e) } satisfies ExportThreadMessage);
    } finally {
      await close();
    }
  }
}

function open(store: ExportStore): { q: Queryable; close(): Promise<void> } {
  if ("postgres" in store) {
    const db = openPostgres(store.postgres, { max: 1, statementMs: 600_000 });
    return { q: db, close: () => db.close() };
  }
  const db = new BetterSqlite3(store.sqlite, { readonly: true, fileMustExist: true });
  db.pragma("busy_timeout = 10000");
  return { q: new SyncQueryable(db), close: async () => void db.close() };
}
