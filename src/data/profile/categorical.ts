/** Counts of dictionary-encoded strings by code. */
import type { StringColumn } from "../table.js";

/** A value with its count and its share of present values. */
export interface ValueCount {
  value: string;
  count: number;
  frequency: number;
}

/** Top values, the count outside them, and the full value→count map when distinct is small. */
export interface CategoricalStats {
  top: ValueCount[];
  other_count: number;
  counts: Record<string, number> | null;
}

/** Occurrences per dictionary code (nulls, code -1, are skipped). */
export function countCodes(c: StringColumn): Int32Array {
  const counts = new Int32Array(c.dictionary.length);
  const codes = c.codes;
  const nulls = c.nulls;
  const n = codes.length;
  for (let i = 0; i < n; i++) {
    const k = codes[i] as number;
    if (k >= 0 && (nulls === undefined || nulls[i] === 0)) counts[k]++;
  }
  return counts;
}

/** Codes with a non-zero count, most frequent first, ties by value. */
export function rankCodes(counts: Int32Array, dictionary: readonly string[]): number[] {
  const used: number[] = [];
  for (let k = 0; k < counts.length; k++) if ((counts[k] as number) > 0) used.push(k);
  return used.sort(
    (x, y) =>
      (counts[y] as number) - (counts[x] as number) || compareStrings(dictionary[x] as string, dictionary[y] as string),
  );
}

/** Categorical statistics from per-code counts. */
export function categoricalStats(
  counts: Int32Array,
  dictionary: readonly string[],
  present: number,
  topK: number,
  maxMap: number,
): { distinct: number; stats: CategoricalStats } {
  const ranked = rankCodes(counts, dictionary);
  const top = ranked.slice(0, topK).map((k) => ({
    value: dictionary[k] as string,
    count: counts[k] as number,
    frequency: present > 0 ? (counts[k] as number) / present : 0,
  }));
  const inTop = top.reduce((s, t) => s + t.count, 0);
  const map =
    ranked.length <= maxMap
      ? Object.fromEntries(ranked.map((k) => [dictionary[k] as string, counts[k] as number]))
      : null;
  return { distinct: ranked.length, stats: { top, other_count: present - inTop, counts: map } };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
