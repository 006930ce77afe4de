import { Counter, Gauge, type Registry } from "prom-client";
import { setCounter } from "./set-counter.js";

/** Cumulative prediction-log figures, read from the log writer at scrape time. */
export interface LogStats {
  queuedRows: number;
  droppedRows: number;
  writtenRows: number;
  spooledRows?: number;
  replayedRows?: number;
  spoolRows?: number;
}

export type LogStatsReader = () => LogStats;

const NO_STATS: LogStats = { queuedRows: 0, droppedRows: 0, writtenRows: 0 };

/**
 * Registers the prediction-log metrics and returns a setter for the reader. The counters are set
 * from the writer's own cumulative counts at scrape time, so the write path carries no metric code.
 */
export function registerLogStatsMetrics(registry: Registry): (read: LogStatsReader) => void {
  let read: LogStatsReader = () => NO_STATS;
  let last = NO_STATS;
  // A failing reader must not fail the whole scrape: keep the last good figures.
  const current = (): LogStats => {
    try {
      last = read();
    } catch {
      // keep `last`
    }
    return last;
  };
  new Gauge({
    name: "modelworks_prediction_log_queue_rows",
    help: "Prediction-log rows waiting to be written.",
    registers: [registry],
    collect() {
      this.set(current().queuedRows);
    },
  });
  new Counter({
    name: "modelworks_prediction_log_dropped_rows_total",
    help: "Prediction-log rows dropped: the queue was full, or the store failed and the spool was full.",
    registers: [registry],
    collect() {
      setCounter(this, current().droppedRows);
    },
  });
  new Counter({
    name: "modelworks_prediction_log_written_rows_total",
    help: "Prediction-log rows written to storage.",
    registers: [registry],
    collect() {
      setCounter(this, current().writtenRows);
    },
  });
  new Counter({
    name: "modelworks_prediction_log_spooled_rows_total",
    help: "Prediction-log rows kept in the local spool because the store could not take them.",
    registers: [registry],
    collect() {
      setCounter(this, current().spooledRows ?? 0);
    },
  });
  new Counter({
    name: "modelworks_prediction_log_replayed_rows_total",
    help: "Spooled prediction-log rows written to the store once it was back.",
    registers: [registry],
    collect() {
      setCounter(this, current().replayedRows ?? 0);
    },
  });
  new Gauge({
    name: "modelworks_prediction_log_spool_rows",
    help: "Prediction-log rows waiting in the local spool.",
    registers: [registry],
    collect() {
      this.set(current().spoolRows ?? 0);
    },
  });
  return (reader) => {
    read = reader;
  };
}
