/**
 * Checksums of a training set, computed the same way on both sides of the benchmark so the two
 * results can be compared without writing 1M rows out: per feature, how many values are present;
 * for numbers a row-position-weighted sum (order and matches both count); for strings, counts per value.
 */
import type { Table } from "../../src/data/table.js";
import { isNull } from "../../src/data/table.js";

/** Columns the checksums cover (the feature columns of the benchmark). */
export const CHECKED = ["minutes", "spend", "sessions", "balance", "plan", "satisfaction"];

/** `{column: {present, weighted} | {present, counts}}`; weighted sums use cents, so they are exact. */
export function checksums(t: Table): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of CHECKED) {
    const c = t.column(name);
    if (!c) continue;
    let present = 0;
    if (c.type === "string") {
      const counts: Record<string, number> = {};
      for (let i = 0; i < c.length; i++) {
        if (isNull(c, i)) continue;
        present++;
        const v = c.dictionary[c.codes[i] as number] as string;
        counts[v] = (counts[v] ?? 0) + 1;
      }
      out[name] = { present, counts };
      continue;
    }
    if (c.type === "bool") continue;
    // Sum of (row + 1) × value in cents, modulo 2^31-1: every step stays an exact integer
    // (rows ≤ 10^7, cents ≤ 10^6, so each product is below 2^53).
    const M = 2147483647;
    let weighted = 0;
    for (let i = 0; i < c.length; i++) {
      if (isNull(c, i)) continue;
      present++;
      const cents = Math.round((c.values[i] as number) * 100);
      weighted = (weighted + (i + 1) * cents) % M;
    }
    out[name] = { present, weighted };
  }
  return out;
}
