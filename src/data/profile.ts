/**
 * Dataset profiles: per-column counts, nulls, distinct values and type-specific statistics,
 * computed in a few linear passes straight over the typed arrays (no per-row allocation and no
 * per-column copies; scratch buffers are shared by the columns of one profile). The profile is
 * plain JSON with snake_case keys; it is the baseline for schema inference and drift.
 */
import { type CategoricalStats, categoricalStats, countCodes } from "./profile/categorical.js";
import { DistinctScratch, distinctCount } from "./profile/distinct.js";
import { moments, type NumericStats, numericStats } from "./profile/numeric.js";
import type { Column, LogicalType, Table } from "./table.js";

export type { CategoricalStats, ValueCount } from "./profile/categorical.js";
export { formatProfile } from "./profile/format.js";
export type { Histogram, NumericStats, QuantileKey } from "./profile/numeric.js";
export { QUANTILE_KEYS, QUANTILE_POINTS } from "./profile/numeric.js";

/** One column's profile; exactly one of `numeric`/`categorical`/`bool`/`timestamp` is set. */
export interface ColumnProfile {
  name: string;
  type: LogicalType;
  /** Present (non-null) values, like pandas' `count`. */
  count: number;
  nulls: number;
  null_fraction: number;
  distinct: number;
  /** True when `distinct` is a HyperLogLog estimate (high-cardinality numeric columns). */
  distinct_approximate: boolean;
  numeric?: NumericStats;
  categorical?: CategoricalStats;
  bool?: { true_count: number; false_count: number };
  timestamp?: { min: string | null; max: string | null };
}

/** A whole table's profile. */
export interface DatasetProfile {
  num_rows: number;
  num_columns: number;
  columns: ColumnProfile[];
}

/** Tuning for {@link profileTable}. */
export interface ProfileOptions {
  /** Equal-width histogram bins for numeric columns (default 20). */
  histogramBins?: number;
  /** Top categorical values reported (default 20). */
  topK?: number;
  /** Keep the full value→count map when distinct ≤ this (default 1000). */
  maxCategoricalCounts?: number;
}

/** Buffers shared by the columns of one profile, allocated on first use. */
export class ProfileScratch {
  readonly distinct = new DistinctScratch();
  private values: Float64Array | undefined;
  private codes: Int32Array | undefined;

  /** A Float64Array of at least `n` entries (for copies of small or degenerate columns). */
  floats(n: number): Float64Array {
    if (!this.values || this.values.length < n) this.values = new Float64Array(n);
    return this.values;
  }

  /** A count buffer of at least `n` entries (contents unspecified). */
  counts(n: number): Int32Array {
    if (!this.codes || this.codes.length < n) this.codes = new Int32Array(n);
    return this.codes;
  }
}

/** Profiles every column of a table. */
export function profileTable(table: Table, options: ProfileOptions = {}): DatasetProfile {
  const scratch = new ProfileScratch();
  return {
    num_rows: table.numRows,
    num_columns: table.columns.length,
    columns: table.columns.map((c) => profileColumn(c, scratch, options)),
  };
}

/** Profiles one column; `scratch` may be shared by the columns of a table. */
export function profileColumn(
  c: Column,
  scratch: ProfileScratch = new ProfileScratch(),
  options: ProfileOptions = {},
): ColumnProfile {
  switch (c.type) {
    case "int":
    case "float": {
      const m = moments(c.values, c.nulls);
      const d = distinctCount(c.values, c.nulls, m.n, m.min, m.max, c.type === "int", scratch.distinct);
      const numeric = numericStats(c.values, c.nulls, m, options.histogramBins ?? 20, (n) => scratch.floats(n));
      return { ...base(c, m.n, d.count, d.approximate), numeric };
    }
    case "timestamp": {
      const { n, min, max } = moments(c.values, c.nulls);
      const d = distinctCount(c.values, c.nulls, n, min, max, false, scratch.distinct);
      const timestamp = { min: n > 0 ? iso(min) : null, max: n > 0 ? iso(max) : null };
      return { ...base(c, n, d.count, d.approximate), timestamp };
    }
    case "bool": {
      const { t, f } = countBools(c.values, c.nulls);
      return { ...base(c, t + f, (t > 0 ? 1 : 0) + (f > 0 ? 1 : 0), false), bool: { true_count: t, false_count: f } };
    }
    case "string": {
      const counts = countCodes(c, scratch.counts(c.dictionary.length));
      const { present, distinct, stats } = categoricalStats(
        counts,
        c.dictionary,
        options.topK ?? 20,
        options.maxCategoricalCounts ?? 1000,
      );
      return { ...base(c, present, distinct, false), categorical: stats };
    }
  }
}

function base(c: Column, present: number, distinct: number, approximate: boolean): ColumnProfile {
  const nulls = c.length - present;
  return {
    name: c.name,
    type: c.type,
    count: present,
    nulls,
    null_fraction: c.length > 0 ? nulls / c.length : 0,
    distinct,
    distinct_approximate: approximate,
  };
}

function countBools(values: Uint8Array, nulls: Uint8Array | undefined): { t: number; f: number } {
  let t = 0;
  let f = 0;
  for (let i = 0; i < values.length; i++) {
    if (nulls !== undefined && nulls[i] === 1) continue;
    if (values[i] === 1) t++;
    else f++;
  }
  return { t, f };
}

function iso(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
