/** The validation report (the `data validate --json` contract) and its human rendering. */
import { alignRows } from "../data/profile/format.js";
import type { Severity } from "./schema.js";
import type { SampleEntry } from "./tally.js";

/** Check names, one per kind of failure. */
export type CheckName =
  | "row_count"
  | "column_exists"
  | "unexpected_column"
  | "type"
  | "presence"
  | "range"
  | "domain"
  | "unique";

/** One evaluated check. */
export interface CheckResult {
  /** The column, or null for table-level checks (`row_count`). */
  column: string | null;
  check: CheckName;
  severity: Severity;
  success: boolean;
  /** What the schema demands, for humans (the machine-readable form is `params`). */
  expected: string;
  /** What the batch showed: a number (row count, present fraction) or a short description. */
  observed: string | number;
  /** Offending values (or rows, for presence); 0 for table-level checks. */
  unexpected_count: number;
  /** `unexpected_count` as a percentage (0–100) of the values the check examined. */
  unexpected_percent: number;
  /** Up to 20 offending values with their counts, most frequent first. */
  sample: SampleEntry[];
  /** 0-based data-row indices (first data row = 0, i.e. CSV line index + 2 with a header) of the first offending rows, capped. */
  rows: number[];
  /** The check's parameters as in the schema (bounds, domain size, mostly, ...). */
  params: Record<string, unknown>;
}

/** The whole report. `success` is false when any error-severity check failed; failed warnings are only reported. */
export interface ValidationReport {
  success: boolean;
  statistics: {
    evaluated: number;
    successful: number;
    failed: number;
    /** Failed checks of severity "warning" (included in `failed`). */
    warnings: number;
    success_percent: number;
  };
  results: CheckResult[];
}

/** Assembles a report from check results. */
export function buildReport(results: CheckResult[]): ValidationReport {
  const failed = results.filter((r) => !r.success);
  const evaluated = results.length;
  return {
    success: failed.every((r) => r.severity === "warning"),
    statistics: {
      evaluated,
      successful: evaluated - failed.length,
      failed: failed.length,
      warnings: failed.filter((r) => r.severity === "warning").length,
      success_percent: evaluated > 0 ? ((evaluated - failed.length) / evaluated) * 100 : 100,
    },
    results,
  };
}

/** A human summary: verdict, counts, and a table of failed checks (all checks with `all`). */
export function formatReport(report: ValidationReport, options: { all?: boolean } = {}): string {
  const s = report.statistics;
  const verdict = report.success ? (s.failed > 0 ? "PASSED with warnings" : "PASSED") : "FAILED";
  const head = `${verdict}: ${s.successful}/${s.evaluated} checks passed (${s.success_percent.toFixed(1)}%), ${s.failed - s.warnings} errors, ${s.warnings} warnings`;
  const shown = report.results.filter((r) => options.all || !r.success);
  if (shown.length === 0) return head;
  const header = ["column", "check", "severity", "status", "expected", "observed", "unexpected", "sample"];
  const rows = shown.map((r) => [
    r.column ?? "(table)",
    r.check,
    r.severity,
    r.success ? "ok" : "FAIL",
    r.expected,
    String(r.observed),
    r.unexpected_count > 0 ? `${r.unexpected_count} (${r.unexpected_percent.toFixed(2)}%)` : "-",
    sampleText(r.sample),
  ]);
  return [head, "", ...alignRows([header, ...rows])].join("\n");
}

function sampleText(sample: SampleEntry[]): string {
  if (sample.length === 0) return "";
  const shown = sample.slice(0, 3).map((e) => `${JSON.stringify(e.value)}×${e.count}`);
  return shown.join(", ") + (sample.length > 3 ? ", …" : "");
}
