/**
 * Data quality of the current data against a dataset schema, through the same validation as
 * `modelworks data validate` (serving rules: the label may be absent), kept to the findings a
 * drift report shows: nulls beyond the allowed rate, numbers out of range, categories outside the
 * domain, missing columns and values of the wrong type.
 */
import type { Table } from "../../data/table.js";
import type { CheckName } from "../../validation/report.js";
import type { DatasetSchema } from "../../validation/schema.js";
import { validateTable } from "../../validation/validate.js";
import type { QualityFinding } from "./drift-types.js";

const CHECKS: Partial<Record<CheckName, QualityFinding["check"]>> = {
  presence: "nulls",
  range: "out_of_range",
  domain: "unseen_categories",
  column_exists: "missing_column",
  type: "type_mismatch",
};

/** The failed quality checks of `current` against `schema` (warnings included), in schema order. */
export function qualityFindings(current: Table, schema: DatasetSchema): QualityFinding[] {
  const report = validateTable(current, schema, { environment: "serving", maxRows: 0, maxSample: 5 });
  const out: QualityFinding[] = [];
  for (const r of report.results) {
    const check = CHECKS[r.check];
    if (r.success || !check || r.column === null) continue;
    const rows = current.numRows;
    const count = check === "missing_column" ? rows : r.unexpected_count;
    out.push({
      column: r.column,
      check,
      count,
      share: rows > 0 ? count / rows : 0,
      detail: detail(check, r.expected, r.observed, r.sample),
    });
  }
  return out;
}

function detail(
  check: QualityFinding["check"],
  expected: string,
  observed: string | number,
  sample: { value: unknown; count: number }[],
): string {
  const seen = check === "nulls" ? `${(Number(observed) * 100).toFixed(2)}% present` : String(observed);
  const examples =
    check === "nulls" || sample.length === 0
      ? ""
      : `; e.g. ${sample
          .slice(0, 3)
          .map((s) => `${JSON.stringify(s.value)}×${s.count}`)
          .join(", ")}`;
  return `expected ${expected}, observed ${seen}${examples}`;
}
