/** The typed output columns a chunk parse fills: allocation, growth, the null masks, and the result. */
import { ByteDict } from "./byte-dict.js";
import type { ChunkColumn, ChunkOutput, ChunkResult, ParseSpec } from "./chunk-types.js";
import { MODE_BOOL, MODE_INT, MODE_NUMBER, MODE_STRING, MODE_TIMESTAMP } from "./chunk-types.js";

/** Only columns expected to hold this share of distinct values get a presized dictionary. */
const PRESIZE_RATIO = 0.2;

export class ChunkColumns {
  rows = 0;
  cap: number;
  readonly modes: number[];
  readonly values: (Float64Array | Uint8Array | undefined)[];
  readonly codes: (Int32Array | undefined)[];
  readonly nulls: (Uint8Array | undefined)[];
  readonly dicts: (ByteDict | undefined)[];
  readonly allInt: boolean[];
  readonly degraded: boolean[];

  constructor(
    readonly spec: ParseSpec,
    estRows: number,
    out?: ChunkOutput,
    dicts?: (ByteDict | undefined)[],
  ) {
    this.cap = out ? out.cap : Math.max(16, estRows);
    const n = spec.modes.length;
    this.modes = [...spec.modes];
    this.values = this.modes.map((m, c) =>
      out
        ? out.values[c]
        : m === MODE_NUMBER || m === MODE_INT || m === MODE_TIMESTAMP
          ? new Float64Array(this.cap)
          : m === MODE_BOOL
            ? new Uint8Array(this.cap)
            : undefined,
    );
    this.codes = this.modes.map((m, c) =>
      out ? out.codes[c] : m === MODE_STRING ? new Int32Array(this.cap) : undefined,
    );
    this.dicts = this.modes.map((m, c) => {
      if (m !== MODE_STRING) return undefined;
      if (dicts?.[c]) return dicts[c];
      const ratio = spec.distinctRatio?.[c] ?? 0;
      if (ratio < PRESIZE_RATIO) return new ByteDict();
      const keys = Math.ceil(ratio * Math.max(16, out?.dictRows ?? this.cap));
      return new ByteDict(keys, Math.ceil(keys * (spec.keyBytes?.[c] ?? 16)));
    });
    this.nulls = new Array(n).fill(undefined);
    this.allInt = new Array(n).fill(true);
    this.degraded = new Array(n).fill(false);
  }

  protected nullNumber(c: number, row: number): boolean {
    (this.values[c] as Float64Array)[row] = Number.NaN;
    return this.setNull(c, row);
  }

  protected setNull(c: number, row: number): boolean {
    let nulls = this.nulls[c];
    if (nulls === undefined) {
      nulls = new Uint8Array(this.cap);
      this.nulls[c] = nulls;
    }
    nulls[row] = 1;
    return true;
  }

  /** Forget the null marks a row left behind (a row parsed again after more bytes arrive). */
  protected clearNulls(row: number): void {
    for (const nulls of this.nulls) if (nulls !== undefined) nulls[row] = 0;
  }

  /** Double the capacity; preallocated (shared) arrays spill into private copies. */
  protected grow(): void {
    const cap = this.cap * 2;
    const widen = <T extends Float64Array | Uint8Array | Int32Array>(a: T | undefined): T | undefined => {
      if (a === undefined) return undefined;
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    for (let c = 0; c < this.modes.length; c++) {
      this.values[c] = widen(this.values[c]);
      this.codes[c] = widen(this.codes[c]);
      this.nulls[c] = widen(this.nulls[c]);
    }
    this.cap = cap;
  }

  /** The parsed columns (views of the first `rows` rows), with copies of the dictionaries unless told not to. */
  columnsResult(withDicts = true): ChunkColumn[] {
    return this.spec.modes.map((mode, c): ChunkColumn => {
      const values = this.values[c];
      const codes = this.codes[c];
      const nulls = this.nulls[c];
      return {
        mode,
        allInt: this.allInt[c] as boolean,
        degraded: this.degraded[c] as boolean,
        ...(values ? { values: values.subarray(0, this.rows) } : {}),
        ...(codes ? { codes: codes.subarray(0, this.rows) } : {}),
        ...(nulls ? { nulls: nulls.subarray(0, this.rows) } : {}),
        ...(this.dicts[c] && withDicts ? { dict: (this.dicts[c] as ByteDict).toBytes() } : {}),
      };
    });
  }
}

/** A result without columns' payload type juggling: rows, lines, end, columns and any error. */
export function chunkResult(
  cols: ChunkColumns,
  end: number,
  lines: number,
  error: ChunkResult["error"],
  openQuote: boolean,
): ChunkResult {
  const base = { rows: cols.rows, lines, end, columns: cols.columnsResult() };
  return error ? { ...base, error, openQuote } : base;
}
