/**
 * The drift report of current data against a prepared reference: every column tested (or told
 * why not), the dataset verdict by Evidently's share rule, the model's score drift when a model is
 * given, and data quality against a schema when one is given.
 */
import { invalidParam } from "../../core/errors.js";
import type { NumericColumn, Table } from "../../data/table.js";
import type { DatasetSchema } from "../../validation/schema.js";
import { sortedSample } from "../stats/index.js";
import { sortedSamples } from "../stats/parallel-sort.js";
import { columnDrift, type SideRows, testSamples } from "./column-drift.js";
import { qualityFindings } from "./drift-quality.js";
import type { DriftReference } from "./drift-reference.js";
import type { ColumnDrift, DriftOptions, DriftReport } from "./drift-types.js";

/** The model's scores on the reference data, or why there are none. */
export type ReferenceScores = Float64Array | { error: string };

/** {@link computeDrift}'s options: the tests and thresholds, and the optional model, schema and names. */
export interface ComputeDriftOptions extends DriftOptions {
  /** Check the current data's quality against this schema. */
  schema?: DatasetSchema;
  /**
   * The model's scores on the current data, compared with `referenceScores` (prediction drift;
   * see `modelScores`). Without them there is no prediction drift.
   */
  currentScores?: ReferenceScores;
  referenceScores?: ReferenceScores;
  /** What was compared, for the report header. */
  referenceName?: string;
  currentName?: string;
  /** Current numeric columns already sorted (finite values only), by name: see {@link computeDriftParallel}. */
  presortedCurrent?: ReadonlyMap<string, Float64Array>;
}

/** The name the prediction's drift goes by (for per-column overrides and the report). */
export const PREDICTION_COLUMN = "prediction";

/**
 * {@link computeDrift} with the current numeric columns sorted on two threads first (sorting is
 * most of a large report's time). Same report; use it where the caller can wait asynchronously.
 */
export async function computeDriftParallel(
  reference: DriftReference,
  current: Table,
  options: ComputeDriftOptions = {},
): Promise<DriftReport> {
  const numericRef = new Set(reference.columns.filter((c) => c.kind === "numerical").map((c) => c.name));
  const numeric = current.columns.filter(
    (c): c is NumericColumn => (c.type === "int" || c.type === "float") && numericRef.has(c.name),
  );
  const sorted = await sortedSamples(numeric.map((c) => c.values));
  const presortedCurrent = new Map(numeric.map((c, i) => [c.name, sorted[i] as Float64Array]));
  return computeDrift(reference, current, { ...options, presortedCurrent });
}

/** Compare `current` with `reference`; bad input is reported per column, never thrown. */
export function computeDrift(
  reference: DriftReference,
  current: Table,
  options: ComputeDriftOptions = {},
): DriftReport {
  const driftShare = options.driftShare ?? 0.5;
  if (!(driftShare > 0 && driftShare <= 1)) throw invalidParam(`driftShare must be in (0, 1], got ${driftShare}`);
  const rows: SideRows = { reference: reference.rows, current: current.numRows };
  const refByName = new Map(reference.columns.map((c) => [c.name, c]));
  const columns = columnNames(reference, current, options).map((name) =>
    columnDrift(name, refByName.get(name), current.column(name), rows, options),
  );
  const prediction = options.currentScores
    ? predictionDrift(options.currentScores, options.referenceScores, rows, options)
    : undefined;
  // Evidently counts the prediction among the columns checked, like any other column.
  const tested = [...columns, ...(prediction ? [prediction] : [])].filter((c) => c.test !== null);
  const drifted = tested.filter((c) => c.drifted).length;
  const share = tested.length > 0 ? drifted / tested.length : 0;
  return {
    dataset_drift: tested.length > 0 && share >= driftShare,
    share_drifted: share,
    drift_share: driftShare,
    drifted_columns: drifted,
    columns_checked: tested.length,
    columns_not_checked: columns.length + (prediction ? 1 : 0) - tested.length,
    reference_rows: reference.rows,
    current_rows: current.numRows,
    columns,
    ...(prediction ? { prediction } : {}),
    ...(options.schema ? { quality: qualityFindings(current, options.schema) } : {}),
    ...(options.referenceName !== undefined ? { reference_name: options.referenceName } : {}),
    ...(options.currentName !== undefined ? { current_name: options.currentName } : {}),
  };
}

/** The columns to compare: the option's list, else both sides' columns (reference order first), minus `ignore`. */
function columnNames(reference: DriftReference, current: Table, o: DriftOptions): string[] {
  const ignore = new Set(o.ignore ?? []);
  const all = o.columns ?? [...new Set([...reference.columns.map((c) => c.name), ...current.columnNames])];
  return all.filter((n) => !ignore.has(n));
}

/** The drift of the model's scores (numerical), or why it could not be measured. */
function predictionDrift(
  currentScores: ReferenceScores,
  referenceScores: ReferenceScores | undefined,
  rows: SideRows,
  options: DriftOptions,
): ColumnDrift {
  const base = { column: PREDICTION_COLUMN, reference_rows: rows.reference, current_rows: rows.current };
  const untested = (problem: string): ColumnDrift => ({
    ...base,
    type: "numerical",
    test: null,
    statistic: null,
    p_value: null,
    score: null,
    threshold: null,
    drifted: false,
    problem,
  });
  if (referenceScores === undefined) return untested("no model scores for the reference data were given");
  if (!(referenceScores instanceof Float64Array))
    return untested(`the model could not score the reference data: ${referenceScores.error}`);
  if (!(currentScores instanceof Float64Array))
    return untested(`the model could not score the current data: ${currentScores.error}`);
  const scores = currentScores;
  const ref = sortedSample(referenceScores);
  const cur = sortedSample(scores);
  if (ref.length === 0) return untested("the model gave no finite scores for the reference data");
  if (cur.length === 0) return untested("the model gave no finite scores for the current data");
  const tested = testSamples(
    PREDICTION_COLUMN,
    "numerical",
    { kind: "numerical", sorted: ref },
    { kind: "numerical", sorted: cur },
    options,
    ref.length,
  );
  return { ...base, ...tested };
}
