/** Which columns a model learns from: everything but the label and id-like columns, unless named. */
import { invalidParam } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import { isNull } from "../../data/table.js";

/** True for a string column whose non-null values are all distinct (an id such as customerID). */
export function isIdColumn(table: Table, name: string): boolean {
  const c = table.column(name);
  if (c?.type !== "string" || table.numRows < 2) return false;
  const seen = new Uint8Array(c.dictionary.length);
  for (let i = 0; i < c.length; i++) {
    if (isNull(c, i)) return false;
    const code = c.codes[i] as number;
    if (seen[code]) return false;
    seen[code] = 1;
  }
  return true;
}

/** The feature columns: `explicit` when given (checked), else all but the label and id columns. */
export function selectFeatures(table: Table, label: string, explicit?: readonly string[]): string[] {
  if (explicit && explicit.length > 0) {
    for (const f of explicit) {
      if (!table.column(f)) throw invalidParam(`Feature column '${f}' is not in the data.`);
      if (f === label) throw invalidParam(`The label column '${label}' cannot also be a feature.`);
    }
    return [...explicit];
  }
  const features = table.columnNames.filter((n) => n !== label && !isIdColumn(table, n));
  if (features.length === 0) throw invalidParam("No feature columns are left besides the label and id columns.");
  return features;
}
