/** Whole-file checks before parsing: empty, binary, non-UTF-8; and the located error they raise. */
import { isUtf8 } from "node:buffer";
import type { MwError } from "../../core/errors.js";
import { invalidParam } from "../../core/errors.js";

/** An INVALID_PARAMETER_VALUE error naming the file, line and column. */
export function csvError(source: string, line: number, column: number, message: string): MwError {
  return invalidParam(`${source}: line ${line}, column ${column}: ${message}`);
}

const MAGIC: Array<[number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47], "a PNG image"],
  [[0x50, 0x41, 0x52, 0x31], "a Parquet file (read it with format 'parquet')"],
  [[0x1f, 0x8b], "a gzip archive"],
  [[0x50, 0x4b, 0x03, 0x04], "a zip archive"],
  [[0x25, 0x50, 0x44, 0x46], "a PDF document"],
  [[0xff, 0xd8, 0xff], "a JPEG image"],
];

/** The line (1-based) and CSV column (1-based, counting delimiters outside quotes) of byte `offset`. */
export function locate(buf: Uint8Array, offset: number, delimiter: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  let quoted = false;
  for (let i = 0; i < offset; i++) {
    const b = buf[i];
    if (b === 34) quoted = !quoted;
    else if (b === 10) {
      line++;
      if (!quoted) column = 1;
    } else if (b === delimiter && !quoted) column++;
  }
  return { line, column };
}

/** Offset of the first byte that breaks UTF-8, or -1. */
function firstInvalidUtf8(buf: Uint8Array): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i] as number;
    const n = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (((buf[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    // Slice-validate multi-byte sequences for overlongs and surrogates the quick check above lets through.
    if (n > 1 && !isUtf8(buf.subarray(i, i + n + 1))) return i;
    i += n + 1;
  }
  return -1;
}

/** Reject empty, binary and non-UTF-8 input; returns where the text starts (after a UTF-8 BOM). */
export function checkCsvBytes(buf: Uint8Array, source: string, delimiter: number): number {
  const start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  let i = start;
  while (i < buf.length && (buf[i] === 32 || buf[i] === 9 || buf[i] === 10 || buf[i] === 13)) i++;
  if (i === buf.length) throw invalidParam(`${source}: the file is empty (no header line)`);
  for (const [magic, what] of MAGIC) {
    if (magic.every((b, k) => buf[k] === b)) throw invalidParam(`${source}: this is ${what}, not a CSV file`);
  }
  const nul = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).indexOf(0);
  if (nul >= 0) {
    const at = locate(buf, nul, delimiter);
    throw csvError(source, at.line, at.column, "NUL byte: this looks like a binary file, not CSV text");
  }
  if (!isUtf8(buf)) {
    const bad = firstInvalidUtf8(buf);
    const at = locate(buf, Math.max(bad, 0), delimiter);
    const hex = (buf[bad] ?? 0).toString(16).padStart(2, "0");
    throw csvError(source, at.line, at.column, `invalid UTF-8 byte 0x${hex}; save the file as UTF-8`);
  }
  return start;
}
