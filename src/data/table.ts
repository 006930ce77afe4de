/**
 * The columnar table every module consumes: numbers in typed arrays, strings dictionary-encoded,
 * booleans as bytes, timestamps as epoch milliseconds, and a null mask per column.
 */

export const LOGICAL_TYPES = ["int", "float", "bool", "string", "timestamp"] as const;
/** A column's logical type. `string` columns are categorical (dictionary-encoded). */
export type LogicalType = (typeof LOGICAL_TYPES)[number];

interface ColumnBase {
  readonly name: string;
  /** 1 where the value is missing (null/blank); undefined when the column has no nulls. */
  readonly nulls?: Uint8Array;
  readonly length: number;
}

/** Integers and floats as float64 (int64 beyond 2^53 is out of scope); nulls hold NaN too. */
export interface NumericColumn extends ColumnBase {
  readonly type: "int" | "float";
  readonly values: Float64Array;
}

/** Booleans as 0/1 bytes. */
export interface BoolColumn extends ColumnBase {
  readonly type: "bool";
  readonly values: Uint8Array;
}

/** Timestamps as epoch milliseconds (UTC). */
export interface TimestampColumn extends ColumnBase {
  readonly type: "timestamp";
  readonly values: Float64Array;
}

/** Strings as codes into a dictionary; a null row has code -1. */
export interface StringColumn extends ColumnBase {
  readonly type: "string";
  readonly codes: Int32Array;
  readonly dictionary: readonly string[];
}

export type Column = NumericColumn | BoolColumn | TimestampColumn | StringColumn;

/** A table: equal-length named columns. */
export class Table {
  readonly numRows: number;
  private readonly byName: Map<string, Column>;

  constructor(readonly columns: readonly Column[]) {
    this.numRows = columns[0]?.length ?? 0;
    this.byName = new Map(columns.map((c) => [c.name, c]));
    for (const c of columns) {
      if (c.length !== this.numRows)
        throw new Error(`column '${c.name}' has ${c.length} rows, expected ${this.numRows}`);
    }
    if (this.byName.size !== columns.length) throw new Error("duplicate column names");
  }

  /** Column names in order. */
  get columnNames(): string[] {
    return this.columns.map((c) => c.name);
  }

  /** A column by name, or undefined. */
  column(name: string): Column | undefined {
    return this.byName.get(name);
  }

  /** Keep only the named columns, in that order. */
  select(names: readonly string[]): Table {
    return new Table(
      names.map((n) => {
        const c = this.byName.get(n);
        if (!c) throw new Error(`no column '${n}'`);
        return c;
      }),
    );
  }

  /** Rows [start, end) as views (no copy). */
  slice(start: number, end = this.numRows): Table {
    const s = Math.max(0, Math.min(start, this.numRows));
    const e = Math.max(s, Math.min(end, this.numRows));
    return new Table(this.columns.map((c) => sliceColumn(c, s, e)));
  }

  /** The rows at the given indices, in that order (a copy). */
  take(rows: ArrayLike<number>): Table {
    return new Table(this.columns.map((c) => takeColumn(c, rows)));
  }
}

/** True when row `i` of a column is missing. */
export function isNull(c: Column, i: number): boolean {
  return c.nulls !== undefined && c.nulls[i] === 1;
}

/** The value at row `i` as a plain JS value (null when missing). */
export function valueAt(c: Column, i: number): number | string | boolean | null {
  if (isNull(c, i)) return null;
  switch (c.type) {
    case "string":
      return c.dictionary[c.codes[i] as number] as string;
    case "bool":
      return c.values[i] === 1;
    default:
      return c.values[i] as number;
  }
}

function sliceColumn(c: Column, s: number, e: number): Column {
  const nulls = c.nulls?.subarray(s, e);
  const base = { name: c.name, length: e - s, ...(nulls ? { nulls } : {}) };
  if (c.type === "string") return { ...base, type: "string", codes: c.codes.subarray(s, e), dictionary: c.dictionary };
  if (c.type === "bool") return { ...base, type: "bool", values: c.values.subarray(s, e) };
  return { ...base, type: c.type, values: c.values.subarray(s, e) } as Column;
}

function takeColumn(c: Column, rows: ArrayLike<number>): Column {
  const n = rows.length;
  let nulls: Uint8Array | undefined;
  if (c.nulls) {
    nulls = new Uint8Array(n);
    for (let i = 0; i < n; i++) nulls[i] = c.nulls[rows[i] as number] as number;
  }
  const base = { name: c.name, length: n, ...(nulls ? { nulls } : {}) };
  if (c.type === "string") {
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) codes[i] = c.codes[rows[i] as number] as number;
    return { ...base, type: "string", codes, dictionary: c.dictionary };
  }
  if (c.type === "bool") {
    const values = new Uint8Array(n);
    for (let i = 0; i < n; i++) values[i] = c.values[rows[i] as number] as number;
    return { ...base, type: "bool", values };
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = c.values[rows[i] as number] as number;
  return { ...base, type: c.type, values } as Column;
}
