/**
 * A drift report: each column's test, statistic, threshold and verdict, the dataset-level verdict,
 * prediction drift and data-quality findings. The JSON form (snake_case) is the `drift --json`
 * contract in DESIGN.md.
 */
import type { ColumnKind, StatTestName } from "../stats/stat-test.js";

/** Per-column (or default) choice of test and threshold; unset → Evidently's default choice. */
export interface DriftOptions {
  /** Share of drifted columns at or above which the dataset has drifted (default 0.5). */
  driftShare?: number;
  /** Test for every column, or per kind, or per column name (most specific wins). */
  method?: StatTestName;
  numMethod?: StatTestName;
  catMethod?: StatTestName;
  perColumnMethod?: Record<string, StatTestName>;
  threshold?: number;
  numThreshold?: number;
  catThreshold?: number;
  perColumnThreshold?: Record<string, number>;
  /** Columns to compare (default: every column present on either side, except `ignore`). */
  columns?: string[];
  ignore?: string[];
}

/** Reference vs current histogram of one column (for reports and plots). */
export interface ColumnHistogram {
  /** Bin edges (numerical, length = bins + 1) or category labels. */
  edges?: number[];
  labels?: string[];
  reference: number[];
  current: number[];
}

/** One column's verdict (or why it could not be tested). */
export interface ColumnDrift {
  column: string;
  type: ColumnKind | "unknown";
  test: StatTestName | null;
  statistic: number | null;
  p_value: number | null;
  /** The drift score: the p-value for p-value tests, the distance otherwise. */
  score: number | null;
  threshold: number | null;
  drifted: boolean;
  /** Why the column was not tested, or what is odd about it (missing on one side, type mismatch, all null, empty). */
  problem?: string;
  /** Something worth knowing about a tested column (e.g. bool on one side, string on the other, compared as text). */
  note?: string;
  reference_rows: number;
  current_rows: number;
  histogram?: ColumnHistogram;
}

/** Data quality of the current data against a schema (nulls, out-of-range, unseen categories). */
export interface QualityFinding {
  column: string;
  check: "nulls" | "out_of_range" | "unseen_categories" | "missing_column" | "type_mismatch";
  count: number;
  share: number;
  detail: string;
}

/** The whole report. */
export interface DriftReport {
  dataset_drift: boolean;
  share_drifted: number;
  drift_share: number;
  drifted_columns: number;
  /** Columns tested (the prediction included, as Evidently counts it); the share's denominator. */
  columns_checked: number;
  /** Columns that could not be tested (each says why in `problem`); not part of the share. */
  columns_not_checked: number;
  reference_rows: number;
  current_rows: number;
  columns: ColumnDrift[];
  /** The model's scores on both sides compared, when a model was given. */
  prediction?: ColumnDrift;
  quality?: QualityFinding[];
  /** What was compared, for the report header. */
  reference_name?: string;
  current_name?: string;
}
