/**
 * The CSV hot loop: parses the rows in a byte range straight into typed columns (RFC 4180 quoting,
 * LF / CRLF / CR line ends). Runs in the main thread or in a worker; pure data in, pure data out.
 */
import type { DictBytes } from "./byte-dict.js";
import { ByteDict, HASH_PRIME, HASH_SEED } from "./byte-dict.js";
import {
  isBlank,
  NUM_BAD,
  NUM_FLOAT,
  NUM_NULL,
  numState,
  parseBoolBytes,
  parseNumberBytes,
  parseTimestampBytes,
  scanNumber,
} from "./bytes.js";

/** How a column's cells are parsed. SKIP ignores the column (used when re-reading a subset). */
export const MODE_SKIP = 0;
export const MODE_NUMBER = 1;
export const MODE_STRING = 2;
export const MODE_BOOL = 3;
export const MODE_TIMESTAMP = 4;
/** Like MODE_NUMBER, but a decimal is a bad cell (a declared `int` column). */
export const MODE_INT = 5;

/** What to parse: delimiter byte, one mode per column, and which columns' types were declared. */
export interface ParseSpec {
  delimiter: number;
  modes: number[];
  /** A declared column errors on a bad cell; an inferred one is marked degraded and re-read as string. */
  declared: boolean[];
  names: string[];
}

/** A bad cell: 1-based physical line and 1-based column. */
export interface CellError {
  line: number;
  column: number;
  message: string;
}

/** One column's parsed cells. */
export interface ChunkColumn {
  mode: number;
  values?: Float64Array | Uint8Array;
  codes?: Int32Array;
  dict?: DictBytes;
  nulls?: Uint8Array;
  allInt: boolean;
  degraded: boolean;
}

/** The rows of one byte range. `end` is where parsing stopped; `lines` counts line breaks consumed. */
export interface ChunkResult {
  rows: number;
  lines: number;
  end: number;
  columns: ChunkColumn[];
  error?: CellError;
  /** The range ended inside a quoted field (a real error, or a parallel split that fell inside quotes). */
  openQuote?: boolean;
}

const LF = 10;
const CR = 13;
const QUOTE = 34;

class ChunkParser {
  rows = 0;
  line: number;
  cap: number;
  error: CellError | undefined;
  openQuote = false;
  readonly modes: number[];
  readonly values: (Float64Array | Uint8Array | undefined)[];
  readonly codes: (Int32Array | undefined)[];
  readonly nulls: (Uint8Array | undefined)[];
  readonly dicts: (ByteDict | undefined)[];
  readonly allInt: boolean[];
  readonly degraded: boolean[];
  private scratch = Buffer.alloc(256);

  constructor(
    readonly buf: Buffer,
    readonly spec: ParseSpec,
    firstLine: number,
    estRows: number,
  ) {
    this.line = firstLine;
    this.cap = Math.max(16, estRows);
    const n = spec.modes.length;
    this.modes = [...spec.modes];
    this.values = this.modes.map((m) =>
      m === MODE_NUMBER || m === MODE_INT || m === MODE_TIMESTAMP
        ? new Float64Array(this.cap)
        : m === MODE_BOOL
          ? new Uint8Array(this.cap)
          : undefined,
    );
    this.codes = this.modes.map((m) => (m === MODE_STRING ? new Int32Array(this.cap) : undefined));
    this.dicts = this.modes.map((m) => (m === MODE_STRING ? new ByteDict() : undefined));
    this.nulls = new Array(n).fill(undefined);
    this.allInt = new Array(n).fill(true);
    this.degraded = new Array(n).fill(false);
  }

  /** Parse rows from `pos` until `end` or `maxRows`; returns the position reached (-1 on error). */
  run(pos: number, end: number, maxRows: number): number {
    const buf = this.buf;
    const n = this.modes.length;
    const delim = this.spec.delimiter;
    while (pos < end && this.rows < maxRows) {
      let b = buf[pos] as number;
      if (n > 1 && (b === LF || b === CR)) {
        pos = this.newline(pos, end);
        continue;
      }
      if (this.rows === this.cap) this.grow();
      for (let c = 0; c < n; c++) {
        const fieldLine = this.line;
        if (b === QUOTE) pos = this.quoted(c, pos, end);
        else {
          const mode = this.modes[c];
          if (mode === MODE_NUMBER) pos = this.fastNumber(c, pos, end, delim);
          else if (mode === MODE_STRING) pos = this.fastString(c, pos, end, delim);
          else pos = this.plain(c, pos, end, delim);
        }
        if (pos < 0) return pos;
        if (pos >= end) {
          if (c !== n - 1) return this.fail(fieldLine, c, `expected ${n} fields, found ${c + 1}`);
          break;
        }
        b = buf[pos] as number;
        if (b === delim) {
          if (c === n - 1) return this.fail(fieldLine, n, `expected ${n} fields, found more`);
          b = buf[++pos] as number;
          continue;
        }
        if (b === LF || b === CR) {
          if (c !== n - 1) return this.fail(fieldLine, c, `expected ${n} fields, found ${c + 1}`);
          pos = this.newline(pos, end);
          break;
        }
        return this.fail(this.line, c, "unexpected character after a closing quote");
      }
      this.rows++;
    }
    return pos;
  }

  /** A quoted field starting at `pos` (the opening quote); returns the position after the closing quote. */
  private quoted(c: number, pos: number, end: number): number {
    const buf = this.buf;
    const line = this.line;
    const fs = pos + 1;
    let p = fs;
    let escaped = false;
    for (;;) {
      const q = buf.indexOf(QUOTE, p);
      if (q < 0 || q >= end) {
        this.openQuote = true;
        return this.fail(line, c, "unterminated quoted field (no closing quote)");
      }
      if (q + 1 < end && buf[q + 1] === QUOTE) {
        escaped = true;
        p = q + 2;
        continue;
      }
      for (let k = fs; k < q; k++) if (buf[k] === LF) this.line++;
      return this.store(c, fs, q, escaped, line) ? q + 1 : -1;
    }
  }

  /** An unquoted field, scanned to its end and stored by the general path. */
  private plain(c: number, pos: number, end: number, delim: number): number {
    const buf = this.buf;
    let p = pos;
    while (p < end) {
      const b = buf[p] as number;
      if (b === delim || b === LF || b === CR) break;
      p++;
    }
    return this.store(c, pos, p, false, this.line) ? p : -1;
  }

  /** A number parsed while scanning; anything unusual (spaces, exponent, text) goes the general way. */
  private fastNumber(c: number, pos: number, end: number, delim: number): number {
    const p = scanNumber(this.buf, pos, end, delim);
    if (p < 0) return this.plain(c, pos, end, delim);
    const row = this.rows;
    (this.values[c] as Float64Array)[row] = numState.value;
    if (numState.kind === NUM_NULL) this.setNull(c, row);
    else if (numState.kind === NUM_FLOAT) this.allInt[c] = false;
    return p;
  }

  /** A string hashed while scanning, then looked up in the column's dictionary. */
  private fastString(c: number, pos: number, end: number, delim: number): number {
    const buf = this.buf;
    let h = HASH_SEED;
    let p = pos;
    while (p < end) {
      const b = buf[p] as number;
      if (b === delim || b === LF || b === CR) break;
      h = Math.imul(h ^ b, HASH_PRIME);
      p++;
    }
    const first = buf[pos] as number;
    if (p === pos || ((first === 32 || first === 9) && isBlank(buf, pos, p))) {
      (this.codes[c] as Int32Array)[this.rows] = -1;
      this.setNull(c, this.rows);
    } else (this.codes[c] as Int32Array)[this.rows] = (this.dicts[c] as ByteDict).codeHashed(buf, pos, p, h);
    return p;
  }

  private newline(pos: number, end: number): number {
    this.line++;
    if (this.buf[pos] === CR && pos + 1 < end && this.buf[pos + 1] === LF) return pos + 2;
    return pos + 1;
  }

  private fail(line: number, c: number, message: string): number {
    const name = this.spec.names[c];
    this.error = { line, column: c + 1, message: name === undefined ? message : `('${name}') ${message}` };
    return -1;
  }

  private store(c: number, fs: number, fe: number, escaped: boolean, line: number): boolean {
    const buf = this.buf;
    const row = this.rows;
    const mode = this.modes[c];
    switch (mode) {
      case MODE_INT:
      case MODE_NUMBER: {
        const v = escaped ? Number.NaN : parseNumberBytes(buf, fs, fe);
        const kind = escaped ? NUM_BAD : numState.kind;
        if (kind === NUM_BAD) return this.bad(c, fs, fe, line, "a number");
        if (kind === NUM_FLOAT && mode === MODE_INT) return this.bad(c, fs, fe, line, "an integer");
        (this.values[c] as Float64Array)[row] = v;
        if (kind === NUM_NULL) this.setNull(c, row);
        else if (kind === NUM_FLOAT) this.allInt[c] = false;
        return true;
      }
      case MODE_STRING: {
        const codes = this.codes[c] as Int32Array;
        if (isBlank(buf, fs, fe)) {
          codes[row] = -1;
          this.setNull(c, row);
        } else if (escaped) {
          const len = this.unescape(fs, fe);
          codes[row] = (this.dicts[c] as ByteDict).code(this.scratch, 0, len);
        } else codes[row] = (this.dicts[c] as ByteDict).code(buf, fs, fe);
        return true;
      }
      case MODE_TIMESTAMP: {
        if (isBlank(buf, fs, fe)) return this.nullNumber(c, row);
        const v = parseTimestampBytes(buf, fs, fe);
        if (Number.isNaN(v)) return this.bad(c, fs, fe, line, "an ISO date/timestamp");
        (this.values[c] as Float64Array)[row] = v;
        return true;
      }
      case MODE_BOOL: {
        if (isBlank(buf, fs, fe)) return this.setNull(c, row);
        const v = parseBoolBytes(buf, fs, fe);
        if (v < 0) return this.bad(c, fs, fe, line, "a boolean (true/false, yes/no, 1/0)");
        (this.values[c] as Uint8Array)[row] = v;
        return true;
      }
      default:
        return true;
    }
  }

  private nullNumber(c: number, row: number): boolean {
    (this.values[c] as Float64Array)[row] = Number.NaN;
    return this.setNull(c, row);
  }

  private setNull(c: number, row: number): boolean {
    let nulls = this.nulls[c];
    if (nulls === undefined) {
      nulls = new Uint8Array(this.cap);
      this.nulls[c] = nulls;
    }
    nulls[row] = 1;
    return true;
  }

  /** A cell that does not fit its column: an error when declared, else the column is re-read as strings. */
  private bad(c: number, fs: number, fe: number, line: number, what: string): boolean {
    if (this.spec.declared[c]) {
      const cell = this.buf.toString("utf8", fs, Math.min(fe, fs + 40));
      this.fail(line, c, `value '${cell}' is not ${what}`);
      return false;
    }
    this.modes[c] = MODE_SKIP;
    this.degraded[c] = true;
    return true;
  }

  private unescape(fs: number, fe: number): number {
    if (this.scratch.length < fe - fs) this.scratch = Buffer.alloc((fe - fs) * 2);
    const buf = this.buf;
    let n = 0;
    for (let i = fs; i < fe; i++) {
      this.scratch[n++] = buf[i] as number;
      if (buf[i] === QUOTE) i++;
    }
    return n;
  }

  private grow(): void {
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

  result(end: number, firstLine: number): ChunkResult {
    const columns = this.spec.modes.map((mode, c): ChunkColumn => {
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
        ...(this.dicts[c] ? { dict: (this.dicts[c] as ByteDict).toBytes() } : {}),
      };
    });
    const base = { rows: this.rows, lines: this.line - firstLine, end, columns };
    return this.error ? { ...base, error: this.error, openQuote: this.openQuote } : base;
  }
}

/** Parse the rows of bytes [start, end); lines are numbered from `firstLine` (1-based line of `start`). */
export function parseChunk(
  buf: Buffer,
  start: number,
  end: number,
  spec: ParseSpec,
  firstLine: number,
  estRows: number,
  maxRows = Number.POSITIVE_INFINITY,
): ChunkResult {
  const p = new ChunkParser(buf, spec, firstLine, estRows);
  const reached = p.run(start, end, maxRows);
  return p.result(reached, firstLine);
}
