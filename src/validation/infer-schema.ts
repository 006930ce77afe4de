/**
 * Schema inference from a training table's profile. The checks must not cry wolf: a clean later
 * batch of the same source passes (tolerances for sampling noise and real outliers, no checks
 * that later data breaks by construction, like a range on row numbers or a row count), while a
 * broken batch still fails. See infer-checks.ts for each rule; GX, TFDV and pandera are the
 * precedents (docs/validation.md).
 */
import { invalidParam } from "../core/errors.js";
import { type ColumnProfile, type DatasetProfile, profileTable } from "../data/profile.js";
import type { Column, Table } from "../data/table.js";
import {
  columnRole,
  inferDomain,
  inferPresence,
  inferRange,
  inferredType,
  type RuleOptions,
  UNIQUE_MOSTLY,
} from "./infer-checks.js";
import type { ColumnSchema, DatasetSchema, Severity } from "./schema.js";

/** Inference knobs. */
export interface InferOptions {
  /** The label column (must exist). */
  label?: string;
  /** Widen numeric ranges by at least this fraction of the observed range on each side (default 0.1). */
  rangeMargin?: number;
  /** String columns with at most this many distinct values get a domain (default 100). */
  maxDomainSize?: number;
  /** The least rise of a column's missing rate that passes (default 0.05). */
  presenceMargin?: number;
  /** Tolerances allow for the sampling noise of batches this small (default 100 rows). */
  minBatchRows?: number;
  /** Row-count bounds as multiples of the observed count, as a warning; none unless given. */
  rowCountFactors?: [number, number];
  /** Severity of columns not in the schema (default "warning"). */
  unexpectedColumns?: Severity | "ignore";
}

/** Infers a schema from a table (profiled here unless a profile is given). */
export function inferSchema(table: Table, profile?: DatasetProfile, options: InferOptions = {}): DatasetSchema {
  const p = profile ?? profileTable(table);
  const label = options.label ?? null;
  if (label !== null && !table.column(label)) throw invalidParam(`label column '${label}' is not in the table`);
  const rules: RuleOptions = {
    rangeMargin: options.rangeMargin ?? 0.1,
    maxDomainSize: options.maxDomainSize ?? 100,
    presenceMargin: options.presenceMargin ?? 0.05,
    minBatch: Math.max(1, options.minBatchRows ?? 100),
  };
  const columns = p.columns.map((c) => inferColumn(c, table.column(c.name) as Column, rules));
  const unexpected = options.unexpectedColumns ?? "warning";
  // A batch's size says how it was cut, not whether it is sound: bounds only when asked for.
  const factors = options.rowCountFactors;
  if (!factors) return { version: 1, label, unexpected_columns: unexpected, columns };
  const [lo, hi] = factors;
  const row_count = { min: Math.floor(p.num_rows * lo), max: Math.ceil(p.num_rows * hi), severity: "warning" as const };
  return { version: 1, label, row_count, unexpected_columns: unexpected, columns };
}

function inferColumn(c: ColumnProfile, column: Column, rules: RuleOptions): ColumnSchema {
  const role = columnRole(c, column);
  const col: ColumnSchema = { name: c.name, type: inferredType(c, role), required: true };
  const presence = inferPresence(c, rules);
  if (presence) col.presence = presence;
  if (role === "id") {
    // Keys repeat across batches' ranges by design; only uniqueness within a batch is checked.
    col.unique = { mostly: UNIQUE_MOSTLY };
    return col;
  }
  if (role === "value") {
    const range = inferRange(c, col.type, rules);
    if (range) col.range = range;
  }
  const domain = inferDomain(c, rules);
  if (domain) col.domain = domain;
  return col;
}
