/**
 * Where a column's rows land: the Table column's own arrays (Float64Array, 0/1 bytes, or Int32
 * codes into a byte-keyed dictionary) and a null mask allocated on the first null. The fast
 * decoder writes into the arrays directly; values that come from hyparquet (the fallback) go
 * through {@link ColumnSink.setValue}, which converts them as the hyparquet reader always has.
 */
import { ByteDict } from "../csv/byte-dict.js";
import type { Column, LogicalType } from "../table.js";
import type { ColumnPlan } from "./column-plan.js";
import { hashKey } from "./plain.js";
import type { KeyDecoding } from "./string-keys.js";
import { finishDictionary } from "./string-keys.js";

/** The first bad value of a column: its row (from the first row of the read) and why. */
export interface ValueError {
  row: number;
  why: string;
}

const textDecoder = new TextDecoder();

/** One column's rows [0, length) of a read. */
export class ColumnSink {
  readonly type: LogicalType;
  readonly f64?: Float64Array;
  readonly bools?: Uint8Array;
  readonly codes?: Int32Array;
  readonly dict?: ByteDict;
  nulls?: Uint8Array;
  /** The first value that does not convert; reported after the read, column by column. */
  error?: ValueError;
  private readonly keyDecoding: KeyDecoding;

  constructor(
    readonly plan: ColumnPlan,
    readonly length: number,
    options: {
      /** The stored type is fixed-length bytes: read as Buffer text, not TextDecoder text. */
      fixedLength?: boolean;
      /** Upper bounds of a string column's distinct values and their bytes, to size its dictionary once. */
      keys?: number;
      bytes?: number;
    } = {},
  ) {
    this.type = plan.type;
    this.keyDecoding = options.fixedLength ? "buffer" : "text";
    if (plan.type === "string") {
      this.codes = new Int32Array(length);
      this.dict = new ByteDict(options.keys, options.bytes);
    } else if (plan.type === "bool") this.bools = new Uint8Array(length);
    else this.f64 = new Float64Array(length);
  }

  /** The null mask, allocated on first use. */
  nullMask(): Uint8Array {
    if (!this.nulls) this.nulls = new Uint8Array(this.length);
    return this.nulls;
  }

  /** Mark rows [from, to) missing. */
  setNulls(from: number, to: number): void {
    this.nullMask().fill(1, from, to);
    if (this.codes) this.codes.fill(-1, from, to);
    else if (this.bools) this.bools.fill(0, from, to);
    else this.f64?.fill(Number.NaN, from, to);
  }

  /** Set one row from a value as hyparquet returns it (byte strings as raw bytes). */
  setValue(row: number, v: unknown): void {
    if (v === null || v === undefined) {
      this.setNulls(row, row + 1);
      return;
    }
    if (this.nulls) this.nulls[row] = 0;
    if (this.codes && this.dict) {
      const bytes = v instanceof Uint8Array ? v : Buffer.from(String(v), "utf8");
      this.codes[row] = this.dict.codeHashed(bytes, 0, bytes.length, hashKey(bytes, 0, bytes.length));
      return;
    }
    const n = this.toNumber(v, row);
    if (this.bools) this.bools[row] = n ? 1 : 0;
    else if (this.f64) {
      this.f64[row] = n;
      if (this.type === "int" && !Number.isInteger(n) && !this.error)
        this.fail(row, `value '${String(v)}' is not an integer`);
    }
  }

  /** Record a bad value (the first one of the column wins). */
  fail(row: number, why: string): void {
    if (!this.error) this.error = { row, why };
  }

  private toNumber(v: unknown, row: number): number {
    if (typeof v === "number") return v;
    if (typeof v === "bigint") return Number(v);
    if (v instanceof Date) return v.getTime();
    if (typeof v === "boolean") return v ? 1 : 0;
    const s = v instanceof Uint8Array ? this.text(v) : v;
    const n = typeof s === "string" && s.trim() !== "" ? Number(s) : Number.NaN;
    if (Number.isNaN(n)) this.fail(row, `value '${String(s)}' is not a number`);
    return n;
  }

  private text(bytes: Uint8Array): string {
    return this.keyDecoding === "text" ? textDecoder.decode(bytes) : Buffer.from(bytes).toString("utf8");
  }

  /** Check that every value of an int column read from floats is whole (the fast path's override check). */
  checkIntegers(from: number, to: number): void {
    const values = this.f64;
    if (!this.plan.checkWhole || !values || this.error) return;
    for (let i = from; i < to; i++) {
      const v = values[i] as number;
      if (!Number.isInteger(v) && this.nulls?.[i] !== 1) {
        this.fail(i, `value '${String(v)}' is not an integer`);
        return;
      }
    }
  }

  /** The Table column (the null mask only when some row is missing). */
  finish(): Column {
    const { name } = this.plan;
    const length = this.length;
    const nulls = this.nulls?.includes(1) ? this.nulls : undefined;
    const base = { name, length, ...(nulls ? { nulls } : {}) };
    if (this.codes && this.dict) {
      const dictionary = finishDictionary(this.dict, this.codes, this.keyDecoding);
      return { ...base, type: "string", codes: this.codes, dictionary };
    }
    if (this.bools) return { ...base, type: "bool", values: this.bools };
    return { ...base, type: this.type as "int" | "float" | "timestamp", values: this.f64 as Float64Array };
  }
}
