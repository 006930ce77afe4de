/**
 * The CSV hot loop: parses the rows in a byte range straight into typed columns (RFC 4180 quoting,
 * LF / CRLF / CR line ends). Runs in the main thread or in a worker; pure data in, pure data out.
 */
import type { ByteDict } from "./byte-dict.js";
import { HASH_PRIME, HASH_SEED } from "./byte-dict.js";
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
import { ChunkColumns, chunkResult } from "./chunk-columns.js";
import type { CellError, ChunkOutput, ChunkResult, ParseSpec } from "./chunk-types.js";
import { MODE_BOOL, MODE_INT, MODE_NUMBER, MODE_SKIP, MODE_STRING, MODE_TIMESTAMP } from "./chunk-types.js";

const LF = 10;
const CR = 13;
const QUOTE = 34;

/** Returned by a field parser when the range ended inside a row that more bytes may complete. */
const INCOMPLETE = -2;

/** Parses rows into its columns; `buf` may be swapped between calls to {@link run} (streamed blocks). */
export class ChunkParser extends ChunkColumns {
  line: number;
  error: CellError | undefined;
  openQuote = false;
  /** False while more bytes follow `end`: a row cut off there is left for the next block. */
  private final = true;
  private scratch = Buffer.alloc(256);

  constructor(
    public buf: Buffer,
    spec: ParseSpec,
    firstLine: number,
    estRows: number,
    out?: ChunkOutput,
    dicts?: (ByteDict | undefined)[],
  ) {
    super(spec, estRows, out, dicts);
    this.line = firstLine;
  }

  /**
   * Parse rows from `pos` until `end` or `maxRows`; returns the position reached (-1 on error). With
   * `final` false, a row that `end` cuts off is not counted and its start is returned instead.
   */
  run(pos: number, end: number, maxRows: number, final = true): number {
    const buf = this.buf;
    const n = this.modes.length;
    const delim = this.spec.delimiter;
    this.final = final;
    while (pos < end && this.rows < maxRows) {
      let b = buf[pos] as number;
      if (n > 1 && (b === LF || b === CR)) {
        pos = this.newline(pos, end);
        continue;
      }
      if (this.rows === this.cap) this.grow();
      const rowStart = pos;
      const rowLine = this.line;
      for (let c = 0; c < n; c++) {
        const fieldLine = this.line;
        if (b === QUOTE) pos = this.quoted(c, pos, end);
        else {
          const mode = this.modes[c];
          if (mode === MODE_NUMBER) pos = this.fastNumber(c, pos, end, delim);
          else if (mode === MODE_STRING) pos = this.fastString(c, pos, end, delim);
          else pos = this.plain(c, pos, end, delim);
        }
        if (pos === INCOMPLETE || (pos >= end && !final)) {
          this.line = rowLine;
          this.clearNulls(this.rows);
          return rowStart;
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
        if (!this.final) return INCOMPLETE;
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

  result(end: number, firstLine: number): ChunkResult {
    return chunkResult(this, end, this.line - firstLine, this.error, this.openQuote);
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
