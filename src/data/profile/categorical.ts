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

/** Occurrences per dictionary code (nulls, code -1, are skipped); `out`, when given, is reused. */
export function countCodes(c: StringColumn, out?: Int32Array): Int32Array {
  const size = c.dictionary.length;
  const counts = out && out.length >= size ? out.subarray(0, size).fill(0) : new Int32Array(size);
  const codes = c.codes;
  const nulls = c.nulls;
  const n = codes.length;
  if (nulls === undefined) {
    for (let i = 0; i < n; i++) {
      const k = codes[i] as number;
      if (k >= 0) counts[k]++;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const k = codes[i] as number;
      if (k >= 0 && nulls[i] === 0) counts[k]++;
    }
  }
  return counts;
}

/** Codes with a non-zero count, most frequent first, ties by value. */
export function rankCodes(counts: Int32Array, dictionary: readonly string[]): number[] {
  const used: number[] = [];
  for (let k = 0; k < counts.length; k++) if ((counts[k] as number) > 0) used.push(k);
  return used.sort((x, y) => before(counts, dictionary, x, y));
}

/**
 * The first `k` codes of {@link rankCodes} without sorting every used code: a bounded sorted list,
 * so a 1M-entry dictionary (an id column) costs about one integer comparison per code instead of a
 * 1M-string sort. A candidate tied on count with the current k-th is first judged by its first
 * UTF-16 unit (what `<` on strings compares first); only equal first units compare whole strings.
 */
export function topCodes(counts: Int32Array, dictionary: readonly string[], k: number): number[] {
  const top: number[] = [];
  if (k <= 0) return top;
  let worstCount = 0;
  let worstFirst = 0;
  for (let code = 0; code < counts.length; code++) {
    const c = counts[code] as number;
    if (c === 0) continue;
    if (top.length === k) {
      if (c < worstCount) continue;
      if (c === worstCount) {
        const s = dictionary[code] as string;
        const first = s.length > 0 ? s.charCodeAt(0) : -1;
        if (first > worstFirst) continue;
        if (first === worstFirst && !(s < (dictionary[top[k - 1] as number] as string))) continue;
      }
      top.pop();
    }
    let j = top.length;
    while (j > 0 && before(counts, dictionary, code, top[j - 1] as number) < 0) j--;
    top.splice(j, 0, code);
    if (top.length === k) {
      const worst = top[k - 1] as number;
      const w = dictionary[worst] as string;
      worstCount = counts[worst] as number;
      worstFirst = w.length > 0 ? w.charCodeAt(0) : -1;
    }
  }
  return top;
}

/** Categorical statistics from per-code counts: present values, distinct values and the stats. */
export function categoricalStats(
  counts: Int32Array,
  dictionary: readonly string[],
  topK: number,
  maxMap: number,
): { present: number; distinct: number; stats: CategoricalStats } {
  let present = 0;
  let distinct = 0;
  for (let k = 0; k < counts.length; k++) {
    const c = counts[k] as number;
    present += c;
    if (c > 0) distinct++;
  }
  // The full ranking only when the value→count map is reported (it is small then).
  const ranked = distinct <= maxMap ? rankCodes(counts, dictionary) : null;
  const topList = ranked ? ranked.slice(0, topK) : topCodes(counts, dictionary, topK);
  const top = topList.map((k) => ({
    value: dictionary[k] as string,
    count: counts[k] as number,
    frequency: present > 0 ? (counts[k] as number) / present : 0,
  }));
  const inTop = top.reduce((s, t) => s + t.count, 0);
  const map = ranked ? Object.fromEntries(ranked.map((k) => [dictionary[k] as string, counts[k] as number])) : null;
  return { present, distinct, stats: { top, other_count: present - inTop, counts: map } };
}

/** Negative when code `x` ranks before `y`: higher count first, then smaller value. */
function before(counts: Int32Array, dictionary: readonly string[], x: number, y: number): number {
  return (
    (counts[y] as number) - (counts[x] as number) || compareStrings(dictionary[x] as string, dictionary[y] as string)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
