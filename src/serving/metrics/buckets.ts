/**
 * Request latency buckets in seconds. Tabular models answer in 1–3 ms, so prom-client's default
 * buckets (first bound 5 ms) would put nearly every request in one bucket; these start at 0.1 ms.
 * 5 s and 10 s are there for large batch requests (10,000 rows in one call).
 */
export const LATENCY_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Prediction-score buckets 0.05, 0.10 … 1.00: scores are probabilities. */
export const SCORE_BUCKETS: readonly number[] = Array.from({ length: 20 }, (_, i) => ((i + 1) * 5) / 100);
