/** The value checks, each a single pass over a column's typed arrays. */
import type { BoolColumn, Column, NumericColumn, StringColumn, TimestampColumn } from "../data/table.js";
import { isMissing, sampleValue } from "./coerce.js";
import type { Tally } from "./tally.js";

/** Tallies values outside [min, max]; returns the values examined and the observed extremes. */
export function checkRange(
  c: NumericColumn | TimestampColumn,
  min: number,
  max: number,
  bad: Tally,
): { present: number; lo: number; hi: number } {
  const { values, nulls } = c;
  const n = c.length;
  let present = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v) || (nulls !== undefined && nulls[i] === 1)) continue;
    present++;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (v < min || v > max) bad.add(i, v);
  }
  return { present, lo, hi };
}

/** Tallies values outside `domain`; returns the values examined. */
export function checkDomain(c: StringColumn, domain: readonly string[], bad: Tally): number {
  const allowed = new Set(domain);
  const inDomain = Uint8Array.from(c.dictionary, (s) => (allowed.has(s) ? 1 : 0));
  const { codes, nulls } = c;
  const n = c.length;
  const size = c.dictionary.length;
  let present = 0;
  for (let i = 0; i < n; i++) {
    const k = codes[i] as number;
    if (k < 0 || (nulls !== undefined && nulls[i] === 1)) continue;
    present++;
    if (inDomain[k] === 0) bad.addCode(i, k, size);
  }
  return present;
}

/** Tallies every row whose value occurs more than once; returns the values examined. */
export function checkUnique(c: Column, bad: Tally): number {
  if (c.type === "string") return uniqueCodes(c, bad);
  return uniqueValues(c, bad);
}

function uniqueCodes(c: StringColumn, bad: Tally): number {
  const counts = new Int32Array(c.dictionary.length);
  const { codes, nulls } = c;
  const n = c.length;
  let present = 0;
  let dup = false;
  for (let i = 0; i < n; i++) {
    const k = codes[i] as number;
    if (k < 0 || (nulls !== undefined && nulls[i] === 1)) continue;
    present++;
    if (++counts[k] > 1) dup = true;
  }
  if (!dup) return present;
  for (let i = 0; i < n; i++) {
    const k = codes[i] as number;
    if (k >= 0 && (nulls === undefined || nulls[i] === 0) && (counts[k] as number) > 1)
      bad.addCode(i, k, counts.length);
  }
  return present;
}

function uniqueValues(c: NumericColumn | TimestampColumn | BoolColumn, bad: Tally): number {
  // Numeric id columns are rare; a Map is simple and fast enough for them.
  const counts = new Map<number, number>();
  const n = c.length;
  let present = 0;
  for (let i = 0; i < n; i++) {
    if (isMissing(c, i)) continue;
    present++;
    const v = c.values[i] as number;
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  for (let i = 0; i < n; i++) {
    if (!isMissing(c, i) && (counts.get(c.values[i] as number) as number) > 1) bad.add(i, sampleValue(c, i));
  }
  return present;
}

/** Records the first missing rows into `bad` (its count set to `missing`). */
export function tallyMissing(c: Column, missing: number, bad: Tally, maxRows: number): void {
  for (let i = 0; i < c.length && bad.rows.length < Math.min(missing, maxRows); i++)
    if (isMissing(c, i)) bad.rows.push(i);
  bad.count = missing;
}
