/**
 * Recorded anchor figures. MLflow 2.12's tracking server (SQLite backend store, 4 workers) cannot be
 * installed on this machine; these are its figures as measured on this machine and given in the
 * issue. They are constants, not measured by this script.
 */
export const MLFLOW_2_12_ANCHOR = {
  source: "MLflow 2.12 tracking server, SQLite, 4 workers — recorded figures from the issue (same machine)",
  /** 100 sequential runs/log-batch calls of 1,000 metrics each. */
  ingestCalls: 100,
  ingestMetricsPerCall: 1000,
  ingestSeconds: 6.35,
  ingestMetricsPerSecond: 15_700,
  /** runs/search after 2,000 runs: filter `metrics.auc > 0.5`, order_by `metrics.auc DESC`. */
  search2kMax100MedianMs: 130,
  search2kMax1000MedianMs: 900,
} as const;

/** The targets. */
export const TARGETS = {
  /** Ingest at least 20× MLflow's metrics/s. */
  ingestSpeedup: 20,
  /** Search at 2,000 runs at least 10× faster than MLflow (median vs median). */
  search2kSpeedup: 10,
  /** Median of both searches at 100,000 runs (max_results 100). */
  search100kMedianMs: 50,
} as const;
