/**
 * One column's drift: the checks that decide whether it can be tested at all (present on both
 * sides, same kind, not empty, not all null), then the chosen test with its threshold, and the
 * plot histogram. A column that cannot be tested says why in `problem` and has `test: null`.
 */
import type { Column, LogicalType, NumericColumn } from "../../data/table.js";
import type { CategoricalSample, ColumnKind, ColumnSample, NumericSample, StatTestName } from "../stats/index.js";
import { countUnique, defaultStatTest, STAT_TESTS } from "../stats/index.js";
import { methodOverride, overrideOption, thresholdOverride } from "./choose-test.js";
import { kindOf } from "./column-kind.js";
import { categoryHistogram, numericHistogram } from "./drift-histogram.js";
import type { ReferenceColumn } from "./drift-reference.js";
import { categoryCounts, nullCount, sortedValues } from "./drift-reference.js";
import type { ColumnDrift, DriftOptions } from "./drift-types.js";

/** Row counts of both sides (for the report and the "empty" checks). */
export interface SideRows {
  reference: number;
  current: number;
}

/**
 * The current side of one column, prepared: from a table column, or from a window's aggregates.
 * `nulls` and `sample` are called only when the checks need them.
 */
export interface CurrentSide {
  type: LogicalType;
  /** Null values (NaN counts as null for numbers). */
  nulls: () => number;
  /** The values as the tests read them: sorted finite numbers, or non-null category counts. */
  sample: (kind: ColumnKind) => ColumnSample;
}

/** The drift of column `name`; either side may lack it. */
export function columnDrift(
  name: string,
  ref: ReferenceColumn | undefined,
  cur: Column | undefined,
  rows: SideRows,
  options: DriftOptions & { presortedCurrent?: ReadonlyMap<string, Float64Array> },
): ColumnDrift {
  const presorted = options.presortedCurrent?.get(name);
  const side: CurrentSide | undefined = cur && {
    type: cur.type,
    nulls: () => nullCount(cur),
    sample: (kind) => (kind === "numerical" && presorted ? { kind, sorted: presorted } : sampleOfCurrent(cur, kind)),
  };
  return preparedColumnDrift(name, ref, side, rows, options);
}

/** {@link columnDrift} over a prepared current side. */
export function preparedColumnDrift(
  name: string,
  ref: ReferenceColumn | undefined,
  cur: CurrentSide | undefined,
  rows: SideRows,
  options: DriftOptions,
): ColumnDrift {
  const base = { column: name, reference_rows: rows.reference, current_rows: rows.current };
  const untested = (type: ColumnDrift["type"], problem: string): ColumnDrift => ({
    ...base,
    ...NO_TEST,
    type,
    problem,
  });
  const curKind = cur ? kindOf(cur.type) : null;
  if (!ref && !cur) return untested("unknown", "missing in both the reference and the current data");
  if (!ref)
    return untested(curKind ?? "unknown", `missing in the reference data (the current data has it, as ${cur?.type})`);
  const kind = ref.kind;
  if (!cur) return untested(kind ?? "unknown", `missing in the current data (the reference has it, as ${ref.type})`);
  if (!kind) return untested("unknown", ref.skipped ?? `${ref.type} column: not tested`);
  if (curKind !== kind) {
    return untested(
      kind,
      `type differs: ${ref.type} (${kind}) in the reference, ${cur.type} (${curKind ?? "not tested"}) in the current data`,
    );
  }
  const refSample = sampleOfReference(ref);
  const curSample = cur.sample(kind);
  const empty =
    emptiness("reference", rows.reference, () => ref.nulls, refSample) ??
    emptiness("current", rows.current, cur.nulls, curSample);
  if (empty) return untested(kind, empty);
  const note =
    ref.type !== cur.type && kind === "categorical"
      ? { note: `compared as text: ${ref.type} in the reference, ${cur.type} in the current data` }
      : {};
  return { ...base, ...note, ...testSamples(name, kind, refSample, curSample, options, ref.rows - ref.nulls) };
}

const NO_TEST = { test: null, statistic: null, p_value: null, score: null, threshold: null, drifted: false } as const;

/**
 * Test two prepared samples of one kind; `referenceCount` is the reference's non-null row count
 * (before any sampling), which Evidently's default choice looks at.
 */
export function testSamples(
  name: string,
  kind: ColumnKind,
  refSample: ColumnSample,
  curSample: ColumnSample,
  options: DriftOptions,
  referenceCount: number,
): Omit<ColumnDrift, "column" | "reference_rows" | "current_rows"> {
  const histogram =
    refSample.kind === "numerical"
      ? numericHistogram(refSample.sorted, (curSample as NumericSample).sorted)
      : categoryHistogram(refSample.counts, (curSample as CategoricalSample).counts);
  const override = methodOverride(name, kind, options);
  // Evidently decides on ≤ 5 / > 2 unique values: counting exactly up to 5 is enough.
  const testName: StatTestName =
    override?.name ?? defaultStatTest(kind, referenceCount, countUnique(refSample, curSample, 5));
  const test = STAT_TESTS[testName];
  const failed = (problem: string) => ({ ...NO_TEST, type: kind, problem, histogram });
  if (!test) return failed(`unknown test '${testName}'`);
  if (!test.kinds.includes(kind)) {
    const from = override ? ` (${overrideOption(override.source, kind)})` : "";
    return failed(`test '${testName}'${from} does not apply to ${kind} columns (it takes ${test.kinds.join(", ")})`);
  }
  const threshold = thresholdOverride(name, kind, options) ?? test.defaultThreshold;
  try {
    const r = test.run(refSample, curSample, threshold);
    return {
      type: kind,
      test: testName,
      statistic: finiteOrNull(r.statistic),
      p_value: r.pValue === undefined ? null : finiteOrNull(r.pValue),
      score: finiteOrNull(r.score),
      threshold: r.threshold,
      drifted: r.drifted,
      histogram,
    };
  } catch (e) {
    return failed(`the ${testName} test failed: ${(e as Error).message}`);
  }
}

/** JSON has no NaN or Infinity; a score that is not a number is reported as null. */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function sampleOfReference(ref: ReferenceColumn): ColumnSample {
  if (ref.kind === "numerical") return { kind: "numerical", sorted: ref.sorted ?? new Float64Array(0) };
  return { kind: "categorical", counts: ref.counts ?? new Map() };
}

/** The current column prepared like a reference column (every row, never sampled). */
function sampleOfCurrent(cur: Column, kind: ColumnKind): ColumnSample {
  if (kind === "categorical") return { kind, counts: categoryCounts(cur) };
  return { kind, sorted: sortedValues(cur as NumericColumn) };
}

/** Why a side has nothing to test, or undefined. */
function emptiness(
  side: "reference" | "current",
  rows: number,
  nulls: () => number,
  s: ColumnSample,
): string | undefined {
  if (rows === 0) return `the ${side} data has no rows`;
  const values = s.kind === "numerical" ? s.sorted.length : s.counts.size;
  if (values > 0) return undefined;
  // Counted only here: a pass over the column is wasted on the usual, non-empty case.
  return `all ${rows} values are null${nulls() < rows ? " or infinite" : ""} in the ${side} data`;
}
