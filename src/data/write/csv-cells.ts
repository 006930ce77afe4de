/** CSV cells from Table values: quoted when needed, timestamps as ISO 8601 so they read back as timestamps. */
import type { Column } from "../table.js";
import { valueAt } from "../table.js";

/** Row `i` of a column as CSV would hold it (before quoting); null when missing. */
export function cellValue(c: Column, i: number): unknown {
  const v = valueAt(c, i);
  if (c.type !== "timestamp" || v === null) return v;
  const d = new Date(v as number);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}

/** A value as a CSV cell: empty for missing, quoted when it holds a quote, comma or line break. */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
