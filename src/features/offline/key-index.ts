/**
 * Join keys as dense group ids: every row of a source gets the id of its key (one or several
 * columns), and another table's key columns map to the same ids. Values match by value, not by
 * type: an entity file whose ids were read as strings still finds a source's integer ids.
 */
import type { Column, StringColumn } from "../../data/table.js";

/** The groups of a source's rows, and the lookup of other rows into them. */
export interface KeyIndex {
  /** Group ids run from 0 to `groups - 1`. */
  readonly groups: number;
  /** Each source row's group; -1 where a key value is missing. */
  readonly rowGroup: Int32Array;
  /** The group of each of `numRows` rows of `columns` (the same keys, in the same order, of another table); -1 when none. */
  lookup(columns: readonly Column[], numRows: number): Int32Array;
}

/** One key column's values as small integers ("atoms"). */
interface AtomCoder {
  readonly count: number;
  readonly atoms: Int32Array;
  lookup(other: Column): Int32Array;
}

/** Index the rows of `columns` (the source's key columns); no columns means one group for every row. */
export function buildKeyIndex(columns: readonly Column[], numRows: number): KeyIndex {
  if (columns.length === 0) {
    return { groups: 1, rowGroup: new Int32Array(numRows), lookup: (_cs, rows) => new Int32Array(rows) };
  }
  const coders = columns.map(atomCoder);
  if (coders.length === 1) {
    const c = coders[0] as AtomCoder;
    return { groups: c.count, rowGroup: c.atoms, lookup: (cs) => c.lookup(cs[0] as Column) };
  }
  return compositeIndex(coders, numRows);
}

function atomCoder(c: Column): AtomCoder {
  return c.type === "string" ? stringCoder(c) : numericCoder(c);
}

function stringCoder(c: StringColumn): AtomCoder {
  const index = new Map<string, number>();
  // A dictionary should not repeat a value; if it does, every copy maps to the first code.
  const canonical = new Int32Array(c.dictionary.length);
  let repeated = false;
  c.dictionary.forEach((s, code) => {
    const first = index.get(s);
    if (first === undefined) index.set(s, code);
    else repeated = true;
    canonical[code] = first ?? code;
  });
  let atoms = c.codes;
  if (repeated || c.nulls) {
    atoms = new Int32Array(c.length);
    for (let i = 0; i < c.length; i++) {
      const code = c.codes[i] as number;
      atoms[i] = code < 0 || c.nulls?.[i] === 1 ? -1 : (canonical[code] as number);
    }
  }
  const find = (s: string) => index.get(s) ?? -1;
  return {
    count: c.dictionary.length,
    atoms,
    lookup: (other) => (other.type === "string" ? byDictionary(other, find) : byValue(other, (v) => find(String(v)))),
  };
}

function numericCoder(c: Exclude<Column, StringColumn>): AtomCoder {
  const n = c.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integral = true;
  for (let i = 0; i < n; i++) {
    if (c.nulls?.[i] === 1) continue;
    const v = c.values[i] as number;
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integral && !Number.isInteger(v)) integral = false;
  }
  const span = max - min;
  // Small integer ranges (ids): the offset from the minimum is the atom, no hashing.
  const dense = integral && span >= 0 && span < 2 ** 26 && span <= 4 * n + 1024;
  const map = dense ? undefined : new Map<number, number>();
  const atoms = new Int32Array(n);
  let count = dense ? span + 1 : 0;
  for (let i = 0; i < n; i++) {
    const v = c.values[i] as number;
    if (c.nulls?.[i] === 1 || Number.isNaN(v)) atoms[i] = -1;
    else if (dense) atoms[i] = v - min;
    else {
      let a = (map as Map<number, number>).get(v);
      if (a === undefined) {
        a = count++;
        (map as Map<number, number>).set(v, a);
      }
      atoms[i] = a;
    }
  }
  const find = (v: number): number => {
    if (Number.isNaN(v)) return -1;
    if (dense) return Number.isInteger(v) && v >= min && v <= max ? v - min : -1;
    return (map as Map<number, number>).get(v) ?? -1;
  };
  return {
    count,
    atoms,
    lookup: (other) =>
      other.type === "string"
        ? byDictionary(other, (s) => find(s.trim() === "" ? Number.NaN : Number(s)))
        : byValue(other, find),
  };
}

/** Map a string column through its dictionary (each distinct value looked up once). */
function byDictionary(c: StringColumn, find: (s: string) => number): Int32Array {
  const map = Int32Array.from(c.dictionary, find);
  const out = new Int32Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const code = c.codes[i] as number;
    out[i] = code < 0 || c.nulls?.[i] === 1 ? -1 : (map[code] as number);
  }
  return out;
}

/** Map a numeric, boolean or timestamp column value by value. */
function byValue(c: Exclude<Column, StringColumn>, find: (v: number) => number): Int32Array {
  const out = new Int32Array(c.length);
  for (let i = 0; i < c.length; i++) out[i] = c.nulls?.[i] === 1 ? -1 : find(c.values[i] as number);
  return out;
}

/** Several key columns: each row's atoms combined into one number, then numbered densely. */
function compositeIndex(coders: AtomCoder[], numRows: number): KeyIndex {
  const radix = coders.map((c) => Math.max(1, c.count));
  const exact = radix.reduce((p, r) => p * r, 1) <= Number.MAX_SAFE_INTEGER;
  const groupOf = new Map<number | string, number>();
  const combine = (atomsOf: (k: number) => number): number | string | undefined => {
    let key = 0;
    const parts: number[] = [];
    for (let k = 0; k < coders.length; k++) {
      const a = atomsOf(k);
      if (a < 0) return undefined;
      if (exact) key = key * (radix[k] as number) + a;
      else parts.push(a);
    }
    return exact ? key : parts.join(",");
  };
  const rowGroup = new Int32Array(numRows);
  for (let i = 0; i < numRows; i++) {
    const key = combine((k) => (coders[k] as AtomCoder).atoms[i] as number);
    if (key === undefined) rowGroup[i] = -1;
    else {
      let g = groupOf.get(key);
      if (g === undefined) {
        g = groupOf.size;
        groupOf.set(key, g);
      }
      rowGroup[i] = g;
    }
  }
  return {
    groups: groupOf.size,
    rowGroup,
    lookup: (columns, n) => {
      const atoms = coders.map((c, k) => c.lookup(columns[k] as Column));
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const key = combine((k) => (atoms[k] as Int32Array)[i] as number);
        out[i] = key === undefined ? -1 : (groupOf.get(key) ?? -1);
      }
      return out;
    },
  };
}
