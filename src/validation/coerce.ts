/**
 * The type check: brings a column to the schema's type where that is meaningful (a numeric column
 * that arrived as strings because a few cells were unparsable, floats where ints are expected),
 * recording the values that do not convert. Converted columns mark those values null so the
 * value checks that follow judge only the parsable ones. String parsing runs once per dictionary
 * entry, never per row.
 */
import type { BoolColumn, Column, LogicalType, NumericColumn, StringColumn, TimestampColumn } from "../data/table.js";
import { Tally } from "./tally.js";

/** `exact`: same or safely widened type; `converted`: per-value conversion; `incompatible`: no conversion exists. */
export type Conversion = "exact" | "converted" | "incompatible";

/** The outcome of bringing a column to a schema type. */
export interface Coerced {
  conversion: Conversion;
  /** The column in the target type (unconvertible values null), or null when incompatible. */
  column: Column | null;
  bad: Tally;
  /** The number of present values examined. */
  present: number;
}

const TRUE = new Set(["true", "t", "yes", "y", "1"]);
const FALSE = new Set(["false", "f", "no", "n", "0"]);

/** Converts `c` to `target`, tallying values that do not convert; `known` is `c`'s present count if already counted. */
export function coerceColumn(
  c: Column,
  target: LogicalType,
  maxRows: number,
  maxSample: number,
  known?: number,
): Coerced {
  const bad = new Tally(maxRows, maxSample);
  const present = known ?? presentCount(c);
  const done = (conversion: Conversion, column: Column | null): Coerced => ({ conversion, column, bad, present });
  if (c.type === target || (target === "float" && c.type === "int")) return done("exact", c);
  if (target === "string") return done("exact", c.type === "string" ? c : toStrings(c));
  if (c.type === "string") {
    const parse =
      target === "bool"
        ? parseBool
        : target === "timestamp"
          ? parseTimestamp
          : target === "int"
            ? parseInt_
            : parseFloat_;
    return done("converted", fromStrings(c, target, parse, bad));
  }
  if (target === "int" && c.type === "float")
    return done(
      "converted",
      filterNumeric(c, "int", (v) => Number.isInteger(v), bad),
    );
  if (target === "bool" && (c.type === "int" || c.type === "float")) {
    const col = filterNumeric(c, "int", (v) => v === 0 || v === 1, bad);
    const values = Uint8Array.from(col.values, (v) => (v === 1 ? 1 : 0));
    return done("converted", {
      name: c.name,
      type: "bool",
      length: c.length,
      values,
      ...(col.nulls ? { nulls: col.nulls } : {}),
    });
  }
  for (let i = 0; i < c.length; i++) if (!isMissing(c, i)) bad.add(i, sampleValue(c, i));
  return done("incompatible", null);
}

/** True when row `i` is missing (null mask, NaN, or code -1). */
export function isMissing(c: Column, i: number): boolean {
  if (c.nulls !== undefined && c.nulls[i] === 1) return true;
  if (c.type === "string") return (c.codes[i] as number) < 0;
  if (c.type === "bool") return false;
  const v = c.values[i] as number;
  return Number.isNaN(v);
}

/** The number of non-missing rows. */
export function presentCount(c: Column): number {
  const n = c.length;
  const nulls = c.nulls;
  let missing = 0;
  if (c.type === "string") {
    const codes = c.codes;
    for (let i = 0; i < n; i++) if ((codes[i] as number) < 0 || (nulls !== undefined && nulls[i] === 1)) missing++;
  } else if (c.type === "bool") {
    if (nulls !== undefined) for (let i = 0; i < n; i++) missing += nulls[i] as number;
  } else {
    const values = c.values;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      if (Number.isNaN(v) || (nulls !== undefined && nulls[i] === 1)) missing++;
    }
  }
  return n - missing;
}

/** Row `i`'s value as it appears in a report sample. */
export function sampleValue(c: Column, i: number): string | number | boolean | null {
  if (isMissing(c, i)) return null;
  if (c.type === "string") return c.dictionary[c.codes[i] as number] as string;
  if (c.type === "bool") return c.values[i] === 1;
  if (c.type === "timestamp") return new Date(c.values[i] as number).toISOString();
  return c.values[i] as number;
}

function parseFloat_(s: string): number {
  const t = s.trim();
  return t === "" ? Number.NaN : Number(t);
}

function parseInt_(s: string): number {
  const v = parseFloat_(s);
  return Number.isInteger(v) ? v : Number.NaN;
}

function parseBool(s: string): number {
  const t = s.trim().toLowerCase();
  return TRUE.has(t) ? 1 : FALSE.has(t) ? 0 : Number.NaN;
}

function parseTimestamp(s: string): number {
  return Date.parse(s.trim());
}

function fromStrings(c: StringColumn, target: LogicalType, parse: (s: string) => number, bad: Tally): Column {
  const byCode = Float64Array.from(c.dictionary, parse);
  const n = c.length;
  const values = new Float64Array(n);
  const nulls = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const k = c.codes[i] as number;
    if (k < 0 || (c.nulls !== undefined && c.nulls[i] === 1)) {
      nulls[i] = 1;
      values[i] = Number.NaN;
      continue;
    }
    const v = byCode[k] as number;
    values[i] = v;
    if (Number.isNaN(v)) {
      nulls[i] = 1;
      bad.addCode(i, k, c.dictionary.length);
    }
  }
  if (target === "bool") return { name: c.name, type: "bool", length: n, values: Uint8Array.from(values), nulls };
  return { name: c.name, type: target, length: n, values, nulls } as NumericColumn | TimestampColumn;
}

function filterNumeric(c: NumericColumn, type: "int" | "float", ok: (v: number) => boolean, bad: Tally): NumericColumn {
  const n = c.length;
  let nulls: Uint8Array | undefined = c.nulls;
  for (let i = 0; i < n; i++) {
    const v = c.values[i] as number;
    if (Number.isNaN(v) || (c.nulls !== undefined && c.nulls[i] === 1) || ok(v)) continue;
    if (nulls === c.nulls) nulls = c.nulls ? c.nulls.slice() : new Uint8Array(n);
    (nulls as Uint8Array)[i] = 1;
    bad.add(i, v);
  }
  return { name: c.name, type, length: n, values: c.values, ...(nulls ? { nulls } : {}) };
}

function toStrings(c: NumericColumn | BoolColumn | TimestampColumn): StringColumn {
  const n = c.length;
  const codes = new Int32Array(n);
  const dict = new Map<string, number>();
  const byValue = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (isMissing(c, i)) {
      codes[i] = -1;
      continue;
    }
    const v = c.values[i] as number;
    let k = byValue.get(v);
    if (k === undefined) {
      const s = String(sampleValue(c, i));
      k = dict.get(s) ?? dict.size;
      dict.set(s, k);
      byValue.set(v, k);
    }
    codes[i] = k;
  }
  return {
    name: c.name,
    type: "string",
    length: n,
    codes,
    dictionary: [...dict.keys()],
    ...(c.nulls ? { nulls: c.nulls } : {}),
  };
}
