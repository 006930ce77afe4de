/**
 * Column builders shared by the JSON and CSV scoring parsers: one typed buffer per signature
 * input, filled cell by cell, then frozen into a {@link Table}. Cell rules:
 *
 * - `null` / missing → null. Blank strings are null for non-string columns; for numeric, bool
 *   and timestamp columns the tokens `NA`, `N/A`, `NaN`, `nan`, `null`, `NULL`, `None` are null too.
 * - int / float: JSON numbers or numeric strings (`"3"`, `" -1.5e3 "`); int needs a whole number.
 * - bool: `true`/`false`, the numbers 1/0, or (case-insensitive) `true`/`t`/`yes`/`y`/`1` and
 *   `false`/`f`/`no`/`n`/`0` as strings — the CSV reader's words.
 * - string: strings as they are (unseen categories pass through); numbers and booleans via `String()`.
 * - timestamp: epoch milliseconds (number) or `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:]MM]`.
 *
 * Anything else is BAD_REQUEST naming the column and the 0-based row.
 */
import { MwError } from "../../../core/errors.js";
import { NULL_TOKENS, parseTimestampBytes } from "../../../data/csv/bytes.js";
import { type Column, Table } from "../../../data/table.js";
import type { ModelSignature } from "../../../learn/package/model-package.js";

const T_INT = 0;
const T_FLOAT = 1;
const T_BOOL = 2;
const T_STRING = 3;
const T_TIMESTAMP = 4;
const TYPE_CODE = { int: T_INT, float: T_FLOAT, bool: T_BOOL, string: T_STRING, timestamp: T_TIMESTAMP } as const;

/** What a signature compiles to, cached per signature object (treat signatures as immutable). */
export interface InputPlan {
  readonly names: readonly string[];
  readonly types: readonly number[];
  /** Signature position by input name. */
  readonly position: ReadonlyMap<string, number>;
  /** Input names that are also Object.prototype keys (`constructor`, …): looked up with Object.hasOwn. */
  readonly guarded: readonly boolean[];
  /** `'a', 'b', 'c'` for messages. */
  readonly listing: string;
}

const plans = new WeakMap<ModelSignature, InputPlan>();

/** The compiled input plan of a signature (cached). */
export function inputPlan(signature: ModelSignature): InputPlan {
  let plan = plans.get(signature);
  if (plan === undefined) {
    const names = signature.inputs.map((i) => i.name);
    plan = {
      names,
      types: signature.inputs.map((i) => {
        const code = TYPE_CODE[i.type];
        if (code === undefined)
          throw new MwError("INTERNAL_ERROR", `Signature input '${i.name}' has unknown type '${i.type}'.`);
        return code;
      }),
      position: new Map(names.map((n, i) => [n, i])),
      guarded: names.map((n) => n in Object.prototype),
      listing: names.map((n) => `'${n}'`).join(", "),
    };
    plans.set(signature, plan);
  }
  return plan;
}

/** A record's value for input `i` (undefined when absent), safe for names like `constructor`. */
export function field(plan: InputPlan, record: Record<string, unknown>, i: number): unknown {
  const name = plan.names[i] as string;
  if (plan.guarded[i] && !Object.hasOwn(record, name)) return undefined;
  return record[name];
}

/** BAD_REQUEST listing the inputs the request lacks, worded like MLflow's schema enforcement. */
export function missingInputs(names: readonly string[]): MwError {
  return badRequest(`Model is missing inputs [${names.map((n) => `'${n}'`).join(", ")}].`);
}

export function badRequest(message: string): MwError {
  return new MwError("BAD_REQUEST", message);
}

/** Throw unless `n` is a usable row count. */
export function checkRowCount(n: number, maxRows: number | undefined): void {
  if (n === 0) throw badRequest("The request has no rows; send at least one.");
  if (maxRows !== undefined && n > maxRows) {
    throw badRequest(`The request has ${n} rows; send at most ${maxRows} rows per request.`);
  }
}

/** Buffers for one column being filled. */
interface Builder {
  readonly name: string;
  readonly type: number;
  readonly f64: Float64Array | undefined;
  readonly u8: Uint8Array | undefined;
  readonly codes: Int32Array | undefined;
  dict: Map<string, number> | undefined;
  dictionary: string[] | undefined;
  nulls: Uint8Array | undefined;
}

/** The column buffers for `n` rows of every signature input. */
export class TableBuilder {
  private readonly cols: Builder[];

  constructor(
    private readonly plan: InputPlan,
    private readonly n: number,
  ) {
    const cols: Builder[] = new Array(plan.names.length);
    for (let i = 0; i < cols.length; i++) {
      const type = plan.types[i] as number;
      cols[i] = {
        name: plan.names[i] as string,
        type,
        f64: type === T_INT || type === T_FLOAT || type === T_TIMESTAMP ? new Float64Array(n) : undefined,
        u8: type === T_BOOL ? new Uint8Array(n) : undefined,
        codes: type === T_STRING ? new Int32Array(n) : undefined,
        dict: undefined,
        dictionary: undefined,
        nulls: undefined,
      };
    }
    this.cols = cols;
  }

  /** Set input `i` at `row` from a JSON value (undefined = missing). */
  setValue(i: number, row: number, v: unknown): void {
    const b = this.cols[i] as Builder;
    if (v === null || v === undefined) {
      setNull(b, row, this.n);
      return;
    }
    switch (typeof v) {
      case "number": {
        setNumber(b, row, v, this.n);
        return;
      }
      case "string": {
        setText(b, row, v, this.n, false);
        return;
      }
      case "boolean":
        if (b.type === T_BOOL) {
          (b.u8 as Uint8Array)[row] = v ? 1 : 0;
          return;
        }
        if (b.type === T_STRING) {
          setString(b, row, v ? "true" : "false");
          return;
        }
        throw incompatible(b, row, v);
      default:
        throw incompatible(b, row, v);
    }
  }

  /** Set input `i` at `row` from CSV text: blank is null for every type. */
  setCsv(i: number, row: number, s: string): void {
    setText(this.cols[i] as Builder, row, s, this.n, true);
  }

  /** Freeze into a Table with exactly the signature's columns, in signature order. */
  finish(): Table {
    const out: Column[] = new Array(this.cols.length);
    for (let i = 0; i < this.cols.length; i++)
      out[i] = freeze(this.cols[i] as Builder, this.n, this.plan.types[i] as number);
    return new Table(out);
  }
}

function freeze(b: Builder, n: number, type: number): Column {
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

function setNull(b: Builder, row: number, n: number): void {
  if (b.nulls === undefined) b.nulls = new Uint8Array(n);
  b.nulls[row] = 1;
  if (b.f64 !== undefined) b.f64[row] = Number.NaN;
  else if (b.codes !== undefined) b.codes[row] = -1;
}

function setNumber(b: Builder, row: number, v: number, n: number): void {
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

function setText(b: Builder, row: number, s: string, n: number, blankIsNull: boolean): void {
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

function setString(b: Builder, row: number, s: string): void {
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

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

const TRUE_WORDS = new Set(["true", "t", "yes", "y", "1"]);
const FALSE_WORDS = new Set(["false", "f", "no", "n", "0"]);

function boolWord(s: string): number {
  if (s.length > 12) return -1;
  const w = s.trim().toLowerCase();
  if (TRUE_WORDS.has(w)) return 1;
  if (FALSE_WORDS.has(w)) return 0;
  return -1;
}

/** Reused scratch bytes for timestamp parsing (the byte parser the CSV reader uses). */
const scratch = Buffer.allocUnsafe(64);

function parseTimestamp(s: string): number {
  if (s.length > scratch.length) return Number.NaN;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 127) return Number.NaN;
  }
  const len = scratch.write(s, 0, "latin1");
  return parseTimestampBytes(scratch, 0, len);
}

const TYPE_NAMES = ["int", "float", "bool", "string", "timestamp"];

function incompatible(b: Builder, row: number, v: unknown): MwError {
  return badRequest(
    `Incompatible input types for column '${b.name}' at row ${row}: expected ${TYPE_NAMES[b.type]}, got ${show(v)}.`,
  );
}

function show(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Append to a lazily created list. */
export function pushTo(list: string[] | undefined, item: string): string[] {
  if (list === undefined) return [item];
  list.push(item);
  return list;
}
