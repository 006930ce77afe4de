/** Where window aggregates are kept: prediction and label buckets per deployment, span, start and model version. */
import type { LabelBucket } from "./label-bucket.js";
import type { PredictionBucket } from "./prediction-bucket.js";

/** The two bucket spans: minutes for recent windows and ragged edges, hours for the rest. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export type SpanMs = typeof MINUTE_MS | typeof HOUR_MS;

export interface BucketKey {
  deployment: string;
  spanMs: SpanMs;
  /** The bucket covers [start, start + spanMs). */
  start: number;
  modelName: string;
  modelVersion: string;
}

export interface StoredPredictions {
  key: BucketKey;
  bucket: PredictionBucket;
}

export interface StoredLabels {
  key: BucketKey;
  bucket: LabelBucket;
}

/** Rows of all versions in one bucket. */
export interface BucketCount {
  start: number;
  rows: number;
}

/** One model version's buckets of a span, counted: rows (or labels) in all, and in the largest. */
export interface VersionTotals {
  modelName: string;
  modelVersion: string;
  sum: number;
  most: number;
}

export interface WindowStore {
  /** Add bucket deltas of new rows into the stored buckets (created when missing), in one transaction. */
  addPredictions(deltas: readonly StoredPredictions[], now: number): Promise<void>;
  /** Store recomputed label buckets, replacing the previous ones. */
  putLabels(buckets: readonly StoredLabels[], now: number): Promise<void>;
  /** A deployment's prediction buckets of one span starting in [from, to), oldest first. */
  predictions(deployment: string, spanMs: SpanMs, from: number, to: number): Promise<StoredPredictions[]>;
  /** A deployment's label buckets of one span starting in [from, to), oldest first. */
  labels(deployment: string, spanMs: SpanMs, from: number, to: number): Promise<StoredLabels[]>;
  /** Per version, the rows of the prediction buckets and the labels of the label buckets of one span starting in [from, to). */
  totals(
    deployment: string,
    spanMs: SpanMs,
    from: number,
    to: number,
  ): Promise<{ predictions: VersionTotals[]; labels: VersionTotals[] }>;
  /** Rows per bucket (all versions together) of buckets starting before `before`, newest first. */
  rowCounts(deployment: string, spanMs: SpanMs, before: number, limit: number): Promise<BucketCount[]>;
  /** The start of a deployment's oldest bucket of a span, if any. */
  oldestStart(deployment: string, spanMs: SpanMs): Promise<number | undefined>;
  /** Delete the buckets of a span (both kinds) that start before `before`; returns how many went. */
  prune(spanMs: SpanMs, before: number): Promise<number>;
}
