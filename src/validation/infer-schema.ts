/**
 * Schema inference from a training table's profile, following TFDV/pandera with the gaps users
 * complain about filled: numeric ranges are inferred (widened by a margin), presence gets a
 * tolerance instead of hard-failing at 100%, and row counts get bounds.
 */
import { invalidParam } from "../core/errors.js";
import { type ColumnProfile, type DatasetProfile, profileTable } from "../data/profile.js";
import type { Table } from "../data/table.js";
import type { ColumnSchema, DatasetSchema, RangeCheck, Severity } from "./schema.js";

/** Inference knobs. */
export interface InferOptions {
  /** The label column (must exist). */
  label?: string;
  /** Widen numeric ranges by this fraction of the observed range on each side (default 0.1). */
  rangeMargin?: number;
  /** String columns with at most this many distinct values get a domain (default 100). */
  maxDomainSize?: number;
  /** `min_fraction` = observed present fraction minus this (default 0.05). */
  presenceMargin?: number;
  /** Row-count bounds as multiples of the observed count (default [0.5, 2]). */
  rowCountFactors?: [number, number];
  /** Severity of columns not in the schema (default "warning"). */
  unexpectedColumns?: Severity | "ignore";
}

/** Infers a schema from a table (profiled here unless a profile is given). */
export function inferSchema(table: Table, profile?: DatasetProfile, options: InferOptions = {}): DatasetSchema {
  const p = profile ?? profileTable(table);
  const label = options.label ?? null;
  if (label !== null && !table.column(label)) throw invalidParam(`label column '${label}' is not in the table`);
  const [lo, hi] = options.rowCountFactors ?? [0.5, 2];
  return {
    version: 1,
    label,
    row_count: { min: Math.floor(p.num_rows * lo), max: Math.ceil(p.num_rows * hi) },
    unexpected_columns: options.unexpectedColumns ?? "warning",
    columns: p.columns.map((c) => inferColumn(c, options)),
  };
}

function inferColumn(c: ColumnProfile, options: InferOptions): ColumnSchema {
  const col: ColumnSchema = { name: c.name, type: c.type, required: true };
  const present = 1 - c.null_fraction;
  col.presence = { min_fraction: round(Math.max(0, present - (options.presenceMargin ?? 0.05))) };
  const range = inferRange(c, options.rangeMargin ?? 0.1);
  if (range) col.range = range;
  if (isIdColumn(c)) col.unique = {};
  else {
    const counts = c.categorical?.counts;
    if (counts && c.distinct > 0 && c.distinct <= (options.maxDomainSize ?? 100)) {
      col.domain = { values: Object.keys(counts).sort() };
    }
  }
  return col;
}

function inferRange(c: ColumnProfile, margin: number): RangeCheck | undefined {
  const s = c.numeric;
  if (!s || s.min === null || s.max === null || !Number.isFinite(s.min) || !Number.isFinite(s.max)) return undefined;
  const span = s.max - s.min;
  const pad = margin * (span > 0 ? span : Math.abs(s.min));
  let min = s.min - pad;
  let max = s.max + pad;
  // Non-negative quantities (ages, counts, amounts) stay non-negative.
  if (s.min >= 0 && min < 0) min = 0;
  if (c.type === "int") {
    min = Math.floor(min);
    max = Math.ceil(max);
  } else {
    min = round(min, 6);
    max = round(max, 6);
    if (min > s.min) min = s.min;
    if (max < s.max) max = s.max;
  }
  return { min, max };
}

function isIdColumn(c: ColumnProfile): boolean {
  return c.type === "string" && c.count >= 2 && c.nulls === 0 && c.distinct === c.count;
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
