/** The value checks, each a single pass over a column's typed arrays. */
import type { BoolColumn, Column, NumericColumn, StringColumn, TimestampColumn } from "../data/table.js";
import { isMissing, sampleValue } from "./coerce.js";
import type { Tally } from "./tally.js";

/** Present values of a numeric or timestamp column with their extremes. */
export interface Extent {
  present: number;
  lo: number;
  hi: number;
}

/** One pass: the number of present (non-null, non-NaN) values and their min and max. */
export function extent(c: NumericColumn | TimestampColumn): Extent {
  const { values, nulls } = c;
  const n = c.length;
  let present = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  if (nulls === undefined) {
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      if (Number.isNaN(v)) continue;
      present++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      if (Number.isNaN(v) || nulls[i] === 1) continue;
      present++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return { present, lo, hi };
}

/**
 * Tallies values outside [min, max]; returns the values examined and the observed extremes. The
 * extremes decide the check, so the offending rows are only looked for when some exist; `known`
 * is the column's {@link extent} when the caller already has it.
 */
export function checkRange(
  c: NumericColumn | TimestampColumn,
  min: number,
  max: number,
  bad: Tally,
  known?: Extent,
): Extent {
  const e = known ?? extent(c);
  if (e.present === 0 || (e.lo >= min && e.hi <= max)) return e;
  const { values, nulls } = c;
  const n = c.length;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v) || (nulls !== undefined && nulls[i] === 1)) continue;
    if (v < min || v > max) bad.add(i, v);
  }
  return e;
}

/**
 * Tallies values outside `domain`; returns the values examined. When every dictionary entry is in
 * the domain and the caller knows the column's present count (`present`), no row is looked at.
 */
export function checkDomain(c: StringColumn, domain: readonly string[], bad: Tally, present?: number): number {
  const allowed = new Set(domain);
  const inDomain = Uint8Array.from(c.dictionary, (s) => (allowed.has(s) ? 1 : 0));
  if (present !== undefined && inDomain.every((x) => x === 1)) return present;
  const { codes, nulls } = c;
  const n = c.length;
  const size = c.dictionary.length;
  let examined = 0;
  for (let i = 0; i < n; i++) {
    const k = codes[i] as number;
    if (k < 0 || (nulls !== undefined && nulls[i] === 1)) continue;
    examined++;
    if (inDomain[k] === 0) bad.addCode(i, k, size);
  }
  return examined;
}

/** Tallies every row whose value occurs more than once; returns the values examined. */
export function checkUnique(c: Column, bad: Tally): number {
  if (c.type === "string") return uniqueCodes(c, bad);
  return uniqueValues(c, bad);
}

function uniqueCodes(c: StringColumn, bad: Tally): number {
  // A bitset of seen codes (1M codes = 125 KB, cache-resident) finds whether any code repeats;
  // per-code counts are only built when one does.
  const seen = new Int32Array((c.dictionary.length >>> 5) + 1);
  const { codes, nulls } = c;
  const n = c.length;
  let present = 0;
  let dup = false;
  for (let i = 0; i < n; i++) {
    const k = codes[i] as number;
    if (k < 0 || (nulls !== undefined && nulls[i] === 1)) continue;
    present++;
    const w = k >>> 5;
    const bit = 1 << (k & 31);
    const word = seen[w] as number;
    if ((word & bit) !== 0) dup = true;
    else seen[w] = word | bit;
  }
  if (!dup) return present;
  const counts = new Int32Array(c.dictionary.length);
  for (let i = 0; i < n; i++) {
    const k = codes[i] as number;
    if (k >= 0 && (nulls === undefined || nulls[i] === 0)) counts[k]++;
  }
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
