/**
 * Worker thread entry: keeps the window aggregates of the rows and feedback the serving thread
 * hands over (reading rows back, binning, sampling, recomputing labelled buckets, writing and
 * pruning buckets) on its own connection, so none of it runs where requests are answered.
 */
import { parentPort, workerData } from "node:worker_threads";
import { systemClock } from "../../../core/clock.js";
import { lowerThreadPriority } from "../../../core/thread-priority.js";
import type { FeedbackRecord } from "../../../serving/prediction-log/prediction-log-store.js";
import { specsFromFacts } from "../windows/in-process-sink.js";
import { SqlBackfillStore } from "../windows/sql/sql-backfill-store.js";
import type { WindowAggregatorOptions } from "../windows/window-aggregator.js";
import { WindowAggregator } from "../windows/window-aggregator.js";
import type { WindowBackfillOptions } from "../windows/window-backfill.js";
import { WindowBackfill } from "../windows/window-backfill.js";
import { decodeLoggedRows } from "./logged-rows-codec.js";
import type { WorkerStoresConfig } from "./worker-platform.js";
import { openWorkerPlatform } from "./worker-platform.js";

/** What the serving thread sends. */
export type AggregatorRequest =
  | { type: "rows"; buffer: ArrayBuffer; length: number; names: string[] }
  | { type: "feedback"; records: FeedbackRecord[] }
  | { type: "drain"; id: number }
  | { type: "close"; id: number };

/** What the worker answers: rows taken in (for back-pressure), a finished drain or close, warnings. */
export type AggregatorReply =
  | { type: "taken"; rows: number }
  | { type: "done"; id: number; error?: string }
  | { type: "warn"; message: string }
  | { type: "note"; message: string }
  | { type: "ready" };

export interface AggregatorWorkerData {
  stores: WorkerStoresConfig;
  options: Omit<WindowAggregatorOptions, "timer">;
  /** When the serving process began logging: earlier rows are built from the log (see WindowBackfill). */
  startedAt: number;
  backfill?: Omit<WindowBackfillOptions, "pause">;
}

const port = parentPort;
if (!port) throw new Error("window-aggregator-worker runs as a worker thread");
const data = workerData as AggregatorWorkerData;
// Monitor work competes with serving for the same cores: the serving thread goes first.
lowerThreadPriority();
const platform = openWorkerPlatform(data.stores, { readonly: false, statementMs: data.stores.dbTimeoutMs });
const post = (m: AggregatorReply) => port.postMessage(m);
const spec = specsFromFacts(platform.facts);
const warn = (message: string) => post({ type: "warn", message });
const backfill = new WindowBackfill(
  {
    store: new SqlBackfillStore(platform.db, platform.windows),
    windows: platform.windows,
    log: platform.predictions,
    spec,
    clock: systemClock,
    startedAt: data.startedAt,
    note: (message) => post({ type: "note", message }),
    warn,
  },
  { ...data.backfill, ...data.options },
);
const aggregator = new WindowAggregator(
  { store: platform.windows, log: platform.predictions, spec, clock: systemClock, warn, backfill },
  data.options,
);

void aggregator.started().then(() => post({ type: "ready" }));

port.on("message", (m: AggregatorRequest) => {
  switch (m.type) {
    case "rows": {
      const rows = decodeLoggedRows(new Uint8Array(m.buffer, 0, m.length), m.names);
      aggregator.addRows(rows);
      post({ type: "taken", rows: rows.length });
      return;
    }
    case "feedback":
      aggregator.addFeedback(m.records);
      return;
    case "drain":
      aggregator.drain().then(
        () => post({ type: "done", id: m.id }),
        (e: unknown) => post({ type: "done", id: m.id, error: (e as Error).message }),
      );
      return;
    case "close":
      aggregator
        .close()
        .catch((e: unknown) => post({ type: "warn", message: `window aggregates: ${(e as Error).message}` }))
        .then(() => platform.close())
        .finally(() => post({ type: "done", id: m.id }));
      return;
  }
});
