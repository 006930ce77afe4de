/** Cell writers for the scoring column builders: type codes, per-cell parsing, freezing into columns. */
import { MwError } from "../../../core/errors.js";
import { NULL_TOKENS, parseTimestampBytes } from "../../../data/csv/bytes.js";
import type { Column } from "../../../data/table.js";

export const T_INT = 0;
export const T_FLOAT = 1;
export const T_BOOL = 2;
export const T_STRING = 3;
export const T_TIMESTAMP = 4;
export const TYPE_CODE = {
  int: T_INT,
  float: T_FLOAT,
  bool: T_BOOL,
  string: T_STRING,
  timestamp: T_TIMESTAMP,
} as const;

/** Buffers for one column being filled. */
export interface Builder {
  readonly name: string;
  readonly type: number;
  readonly f64: Float64Array | undefined;
  readonly u8: Uint8Array | undefined;
  readonly codes: Int32Array | undefined;
  dict: Map<string, number> | undefined;
  dictionary: string[] | undefined;
  nulls: Uint8Array | undefined;
}

export function freeze(b: Builder, n: number, type: number): Column {
  const nulls = b.nulls;
  switch (type) {
    case T_STRING:
      return nulls
        ? {
            name: b.name,
            type: "string",
            length: n,
            nulls,
            codes: b.codes as Int32Array,
            dictionary: b.dictionary ?? [],
          }
        : { name: b.name, type: "string", length: n, codes: b.codes as Int32Array, dictionary: b.dictionary ?? [] };
    case T_BOOL:
      return nulls
        ? { name: b.name, type: "bool", length: n, nulls, values: b.u8 as Uint8Array }
        : { name: b.name, type: "bool", length: n, values: b.u8 as Uint8Array };
    case T_TIMESTAMP:
      return nulls
        ? { name: b.name, type: "timestamp", length: n, nulls, values: b.f64 as Float64Array }
        : { name: b.name, type: "timestamp", length: n, values: b.f64 as Float64Array };
    default: {
      const t = type === T_INT ? "int" : "float";
      return nulls
        ? { name: b.name, type: t, length: n, nulls, values: b.f64 as Float64Array }
        : { name: b.name, type: t, length: n, values: b.f64 as Float64Array };
    }
  }
}

export function setNull(b: Builder, row: number, n: number): void {
  if (b.nulls === undefined) b.nulls = new Uint8Array(n);
  b.nulls[row] = 1;
  if (b.f64 !== undefined) b.f64[row] = Number.NaN;
  else if (b.codes !== undefined) b.codes[row] = -1;
}

export function setNumber(b: Builder, row: number, v: number, n: number): void {
  switch (b.type) {
    case T_FLOAT:
      (b.f64 as Float64Array)[row] = v;
      return;
    case T_INT:
      if (!Number.isInteger(v)) throw incompatible(b, row, v);
      (b.f64 as Float64Array)[row] = v;
      return;
    case T_TIMESTAMP:
      if (!Number.isFinite(v)) throw incompatible(b, row, v);
      (b.f64 as Float64Array)[row] = v;
      return;
    case T_BOOL:
      if (v === 1 || v === 0) (b.u8 as Uint8Array)[row] = v;
      else throw incompatible(b, row, v);
      return;
    default:
      if (Number.isNaN(v)) {
        setNull(b, row, n);
        return;
      }
      setString(b, row, String(v));
      return;
  }
}

/** Plain decimals with optional exponent and surrounding whitespace (no hex, no Infinity). */
const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

export function setText(b: Builder, row: number, s: string, n: number, blankIsNull: boolean): void {
  if (b.type === T_STRING) {
    if (blankIsNull && isBlank(s)) {
      setNull(b, row, n);
      return;
    }
    setString(b, row, s);
    return;
  }
  if (isBlank(s)) {
    setNull(b, row, n);
    return;
  }
  let v: number;
  switch (b.type) {
    case T_FLOAT:
    case T_INT:
      v = NUMERIC.test(s) ? Number(s) : Number.NaN;
      if (Number.isFinite(v) && (b.type === T_FLOAT || Number.isInteger(v))) {
        (b.f64 as Float64Array)[row] = v;
        return;
      }
      break;
    case T_BOOL:
      v = boolWord(s);
      if (v >= 0) {
        (b.u8 as Uint8Array)[row] = v;
        return;
      }
      break;
    default:
      v = parseTimestamp(s);
      if (!Number.isNaN(v)) {
        (b.f64 as Float64Array)[row] = v;
        return;
      }
  }
  if (NULL_TOKENS.has(s.trim())) setNull(b, row, n);
  else throw incompatible(b, row, s);
}

export function setString(b: Builder, row: number, s: string): void {
  let dict = b.dict;
  let dictionary = b.dictionary;
  if (dict === undefined || dictionary === undefined) {
    dict = b.dict = new Map();
    dictionary = b.dictionary = [];
  }
  let code = dict.get(s);
  if (code === undefined) {
    code = dictionary.length;
    dictionary.push(s);
    dict.set(s, code);
  }
  (b.codes as Int32Array)[row] = code;
}

export function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

const TRUE_WORDS = new Set(["true", "t", "yes", "y", "1"]);
const FALSE_WORDS = new Set(["false", "f", "no", "n", "0"]);

export function boolWord(s: string): number {
  if (s.length > 12) return -1;
  const w = s.trim().toLowerCase();
  if (TRUE_WORDS.has(w)) return 1;
  if (FALSE_WORDS.has(w)) return 0;
  return -1;
}

/** Reused scratch bytes for timestamp parsing (the byte parser the CSV reader uses). */
const scratch = Buffer.allocUnsafe(64);

export function parseTimestamp(s: string): number {
  if (s.length > scratch.length) return Number.NaN;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 127) return Number.NaN;
  }
  const len = scratch.write(s, 0, "latin1");
  return parseTimestampBytes(scratch, 0, len);
}

const TYPE_NAMES = ["int", "float", "bool", "string", "timestamp"];

export function incompatible(b: Builder, row: number, v: unknown): MwError {
  return badRequest(
    `Incompatible input types for column '${b.name}' at row ${row}: expected ${TYPE_NAMES[b.type]}, got ${show(v)}.`,
  );
}

export function show(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** BAD_REQUEST listing the inputs the request lacks, worded like MLflow's schema enforcement. */
export function missingInputs(names: readonly string[]): MwError {
  return badRequest(`Model is missing inputs [${names.map((n) => `'${n}'`).join(", ")}].`);
}

/** A BAD_REQUEST error with this message. */
export function badRequest(message: string): MwError {
  return new MwError("BAD_REQUEST", message);
}
