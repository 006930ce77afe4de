/**
 * Validates a table against a schema: table-level checks (row count, missing and unexpected
 * columns), then per column the type check and, on the converted values, presence, range,
 * domain and uniqueness. Every check is one pass over typed arrays.
 */
import type { Column, Table } from "../data/table.js";
import { checkDomain, checkRange, checkUnique, type Extent, extent, tallyMissing } from "./checks.js";
import { type Coerced, coerceColumn } from "./coerce.js";
import { buildReport, type CheckName, type CheckResult, type ValidationReport } from "./report.js";
import type { CheckSettings, ColumnSchema, DatasetSchema, Severity } from "./schema.js";
import { Tally } from "./tally.js";

export type { CheckName, CheckResult, ValidationReport } from "./report.js";
export { formatReport } from "./report.js";

/** Validation knobs. */
export interface ValidateOptions {
  /** "serving": the label column may be absent (default "training"). */
  environment?: "training" | "serving";
  /** Row indices reported per check (default 100). */
  maxRows?: number;
  /** Sampled offending values per check (default 20). */
  maxSample?: number;
}

interface Ctx {
  maxRows: number;
  maxSample: number;
  results: CheckResult[];
}

interface Outcome {
  observed: string | number;
  bad?: Tally;
  /** The values the check examined (the denominator of `unexpected_percent`). */
  examined?: number;
  /** Dictionary for code-based samples. */
  dictionary?: readonly string[];
}

/** Validates `table` against `schema`. */
export function validateTable(table: Table, schema: DatasetSchema, options: ValidateOptions = {}): ValidationReport {
  const ctx: Ctx = { maxRows: options.maxRows ?? 100, maxSample: options.maxSample ?? 20, results: [] };
  const rc = schema.row_count;
  if (rc) {
    const n = table.numRows;
    const ok = n >= rc.min && n <= rc.max;
    push(
      ctx,
      null,
      "row_count",
      rc,
      undefined,
      `[${rc.min}, ${rc.max}] rows`,
      { min: rc.min, max: rc.max },
      { observed: n },
      ok,
    );
  }
  for (const col of schema.columns) {
    const c = table.column(col.name);
    if (c) validateColumn(ctx, c, col);
    else if (col.required !== false && !(options.environment === "serving" && col.name === schema.label)) {
      push(ctx, col.name, "column_exists", {}, col, "present", {}, { observed: "missing" }, false);
    }
  }
  const unexpected = schema.unexpected_columns ?? "warning";
  if (unexpected !== "ignore") {
    const known = new Set(schema.columns.map((c) => c.name));
    for (const name of table.columnNames) {
      if (known.has(name)) continue;
      const settings = { severity: unexpected };
      push(
        ctx,
        name,
        "unexpected_column",
        settings,
        undefined,
        "not present (not in the schema)",
        {},
        { observed: "present" },
        false,
      );
    }
  }
  return buildReport(ctx.results);
}

function validateColumn(ctx: Ctx, c: Column, col: ColumnSchema): void {
  push(ctx, col.name, "column_exists", {}, col, "present", {}, { observed: "present" }, true);
  // One pass finds a numeric column's present count and extremes, which decide presence and, for
  // an unconverted column, the range check without another look at the rows.
  const ext: Extent | undefined =
    c.type === "int" || c.type === "float" || c.type === "timestamp" ? extent(c) : undefined;
  const co = coerceColumn(c, col.type, ctx.maxRows, ctx.maxSample, ext?.present);
  typeResult(ctx, c, col, co);
  if (col.presence) presenceResult(ctx, c, col, co);
  const v = co.column;
  if (!v) return;
  const range = col.range;
  if (range && (v.type === "int" || v.type === "float" || v.type === "timestamp")) {
    const bad = tally(ctx);
    const r = checkRange(v, range.min, range.max, bad, v === c ? ext : undefined);
    const observed = r.present > 0 ? `min ${r.lo}, max ${r.hi}` : "no values";
    push(
      ctx,
      col.name,
      "range",
      range,
      col,
      `[${range.min}, ${range.max}]`,
      { min: range.min, max: range.max },
      { observed, bad, examined: r.present },
    );
  }
  const domain = col.domain;
  if (domain) {
    const s = v.type === "string" ? v : (coerceColumn(v, "string", 0, 0).column as Column);
    if (s.type === "string") {
      const bad = tally(ctx);
      const examined = checkDomain(s, domain.values, bad, s === c ? co.present : undefined);
      const outcome = { observed: `${bad.count} values outside the domain`, bad, examined, dictionary: s.dictionary };
      push(
        ctx,
        col.name,
        "domain",
        domain,
        col,
        `one of ${domain.values.length} values`,
        { values: domain.values },
        outcome,
      );
    }
  }
  if (col.unique) {
    const bad = tally(ctx);
    const examined = checkUnique(v, bad);
    const dictionary = v.type === "string" ? v.dictionary : undefined;
    const outcome = {
      observed: `${bad.count} rows share a value`,
      bad,
      examined,
      ...(dictionary ? { dictionary } : {}),
    };
    push(ctx, col.name, "unique", col.unique, col, "all values distinct", {}, outcome);
  }
}

function typeResult(ctx: Ctx, c: Column, col: ColumnSchema, co: Coerced): void {
  const settings = col.type_check ?? {};
  const observed =
    co.conversion === "exact"
      ? c.type
      : co.conversion === "incompatible"
        ? `${c.type} (not convertible)`
        : `${c.type} (${co.bad.count} values do not parse as ${col.type})`;
  const outcome = {
    observed,
    bad: co.bad,
    examined: co.present,
    ...(c.type === "string" ? { dictionary: c.dictionary } : {}),
  };
  const forced = co.conversion === "incompatible" && co.present > 0 ? false : undefined;
  push(ctx, col.name, "type", settings, col, col.type, { type: col.type }, outcome, forced);
}

function presenceResult(ctx: Ctx, c: Column, col: ColumnSchema, co: Coerced): void {
  const p = col.presence!;
  const n = c.length;
  const fraction = n > 0 ? co.present / n : 1;
  const bad = tally(ctx);
  tallyMissing(c, n - co.present, bad, ctx.maxRows);
  const outcome = { observed: round(fraction), bad, examined: n };
  const ok = fraction >= p.min_fraction;
  const expected = `≥ ${(p.min_fraction * 100).toFixed(2)}% present`;
  push(
    ctx,
    col.name,
    "presence",
    { severity: p.severity },
    col,
    expected,
    { min_fraction: p.min_fraction },
    outcome,
    ok,
  );
  const last = ctx.results[ctx.results.length - 1] as CheckResult;
  if (bad.count > 0) last.sample = [{ value: null, count: bad.count }];
}

function tally(ctx: Ctx): Tally {
  return new Tally(ctx.maxRows, ctx.maxSample);
}

/** Appends a result; success is `forced` when given, else from the tally and `mostly`. */
function push(
  ctx: Ctx,
  column: string | null,
  check: CheckName,
  settings: CheckSettings,
  col: ColumnSchema | undefined,
  expected: string,
  params: Record<string, unknown>,
  outcome: Outcome,
  forced?: boolean,
): void {
  const severity: Severity = settings.severity ?? col?.severity ?? "error";
  const mostly = settings.mostly ?? 1;
  const count = outcome.bad?.count ?? 0;
  const examined = outcome.examined ?? 0;
  // A hair of slack so mostly=0.9 accepts exactly 10% bad despite float rounding.
  const success = forced ?? count <= (1 - mostly) * examined + 1e-9;
  ctx.results.push({
    column,
    check,
    severity,
    success,
    expected,
    observed: outcome.observed,
    unexpected_count: count,
    unexpected_percent: examined > 0 ? round((count / examined) * 100) : 0,
    sample: outcome.bad?.sample(outcome.dictionary) ?? [],
    rows: outcome.bad?.rows ?? [],
    params: { ...params, ...(settings.mostly !== undefined ? { mostly } : {}) },
  });
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
