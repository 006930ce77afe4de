/**
 * WAL checkpoints on a worker thread with its own connection, so copying the WAL back into the
 * database file (and its fsync) never runs inside a request's COMMIT on the event loop.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

// CommonJS source for the worker (eval'd, so it runs the same under tsx and from dist/).
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma("busy_timeout = 1000");
const checkpoint = () => { try { db.pragma("wal_checkpoint(PASSIVE)"); } catch {} };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on("message", () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage("stopped");
});
`;

/** A running checkpointer; `stop` runs a last checkpoint and ends the thread. */
export interface Checkpointer {
  stop(): Promise<void>;
}

/** Start checkpointing `path` every `everyMs` milliseconds. */
export function startCheckpointer(path: string, everyMs = 250): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, everyMs } });
  worker.unref();
  let exited = false;
  worker.once("exit", () => {
    exited = true;
  });
  worker.on("error", () => {});
  return {
    stop: async () => {
      if (exited) return;
      await new Promise<void>((resolve) => {
        const timeout = setTimeout(resolve, 2000);
        worker.once("message", () => {
          clearTimeout(timeout);
          resolve();
        });
        worker.postMessage("stop");
      });
      await worker.terminate();
    },
  };
}
