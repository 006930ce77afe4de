/** The header line and per-column parse modes: declared types win, the rest are inferred from a sample. */
import { invalidParam } from "../../core/errors.js";
import type { LogicalType } from "../table.js";
import { NUM_BAD, NUM_NULL, numState, parseNumberBytes, parseTimestampBytes } from "./bytes.js";
import { parseChunk } from "./chunk-parser.js";
import type { ParseSpec } from "./chunk-types.js";
import { MODE_BOOL, MODE_INT, MODE_NUMBER, MODE_STRING, MODE_TIMESTAMP } from "./chunk-types.js";
import { csvError } from "./input-checks.js";

/** Rows read to infer types; later cells that do not fit re-read their column as strings. */
export const SAMPLE_ROWS = 2000;

/** The header's column names, where the data starts, and how many lines the header took. */
export interface Header {
  names: string[];
  dataStart: number;
  lines: number;
}

/** Parse the first record as column names; blank names become `Unnamed: i` (pandas' convention). */
export function parseHeader(buf: Buffer, start: number, delimiter: number, source: string): Header {
  const names: string[] = [];
  let pos = start;
  let lines = 1;
  for (;;) {
    let name: string;
    if (buf[pos] === 34) {
      let p = pos + 1;
      for (;;) {
        const q = buf.indexOf(34, p);
        if (q < 0) throw csvError(source, 1, names.length + 1, "unterminated quoted field in the header");
        if (buf[q + 1] === 34) p = q + 2;
        else {
          name = buf.toString("utf8", pos + 1, q).replaceAll('""', '"');
          pos = q + 1;
          break;
        }
      }
    } else {
      let p = pos;
      while (p < buf.length && buf[p] !== delimiter && buf[p] !== 10 && buf[p] !== 13) p++;
      name = buf.toString("utf8", pos, p);
      pos = p;
    }
    for (const ch of name) if (ch === "\n") lines++;
    names.push(name.trim() === "" ? `Unnamed: ${names.length}` : name.trim());
    if (buf[pos] === delimiter) pos++;
    else break;
  }
  if (buf[pos] === 13) pos++;
  if (buf[pos] === 10) pos++;
  else if (pos < buf.length && buf[pos - 1] !== 13) {
    throw csvError(source, lines, names.length, "unexpected character after a closing quote in the header");
  }
  checkNames(names, source);
  return { names, dataStart: pos, lines };
}

function checkNames(names: string[], source: string): void {
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    const first = seen.get(n);
    if (first !== undefined) {
      throw csvError(source, 1, i + 1, `duplicate column name '${n}' (also column ${first + 1})`);
    }
    seen.set(n, i);
  });
}

const DECLARED_MODE: Record<LogicalType, number> = {
  int: MODE_INT,
  float: MODE_NUMBER,
  string: MODE_STRING,
  bool: MODE_BOOL,
  timestamp: MODE_TIMESTAMP,
};

/** The parse spec: declared columns get their type's mode; the others are inferred from the first rows. */
export function buildSpec(
  buf: Buffer,
  header: Header,
  delimiter: number,
  types: Record<string, LogicalType>,
  source: string,
): { spec: ParseSpec; bytesPerRow: number; sampleRows: number } {
  const { names } = header;
  const stringSpec: ParseSpec = { delimiter, modes: names.map(() => MODE_STRING), declared: [], names };
  const sample = parseChunk(buf, header.dataStart, buf.length, stringSpec, header.lines + 1, 256, SAMPLE_ROWS);
  if (sample.error) throw csvError(source, sample.error.line, sample.error.column, sample.error.message);
  const modes = names.map((name, c) => {
    const declared = types[name];
    if (declared) return DECLARED_MODE[declared];
    const dict = sample.columns[c]?.dict;
    return dict ? inferMode(dict.arena, dict.offsets) : MODE_STRING;
  });
  const declared = names.map((n) => types[n] !== undefined);
  const bytesPerRow = sample.rows > 0 ? (sample.end - header.dataStart) / sample.rows : 64;
  const keys = (c: number) => (sample.columns[c]?.dict?.offsets.length ?? 1) - 1;
  const distinctRatio = names.map((_, c) => (sample.rows > 0 ? keys(c) / sample.rows : 0));
  const keyBytes = names.map((_, c) => (keys(c) > 0 ? (sample.columns[c]?.dict?.arena.length ?? 0) / keys(c) : 16));
  return { spec: { delimiter, modes, declared, names, distinctRatio, keyBytes }, bytesPerRow, sampleRows: sample.rows };
}

/** NUMBER when every distinct sampled value is a number (or a null token), TIMESTAMP when every one is ISO. */
function inferMode(arena: Uint8Array, offsets: Int32Array): number {
  const buf = Buffer.from(arena.buffer, arena.byteOffset, arena.byteLength);
  const n = offsets.length - 1;
  let numbers = 0;
  let timestamps = 0;
  for (let i = 0; i < n; i++) {
    const s = offsets[i] as number;
    const e = offsets[i + 1] as number;
    parseNumberBytes(buf, s, e);
    if (numState.kind !== NUM_BAD) numbers += numState.kind === NUM_NULL ? 0 : 1;
    else numbers = Number.NEGATIVE_INFINITY;
    if (!Number.isNaN(parseTimestampBytes(buf, s, e))) timestamps++;
  }
  if (numbers >= 0) return MODE_NUMBER;
  // Conservative: every distinct value must be a full ISO date or timestamp.
  if (timestamps === n && n > 0) return MODE_TIMESTAMP;
  return MODE_STRING;
}

/** Check that every declared column exists. */
export function checkDeclared(names: string[], types: Record<string, LogicalType>, source: string): void {
  for (const [name, type] of Object.entries(types)) {
    if (!names.includes(name)) throw invalidParam(`${source}: types names column '${name}', which the header lacks`);
    if (DECLARED_MODE[type] === undefined) throw csvError(source, 1, names.indexOf(name) + 1, `unknown type '${type}'`);
  }
}
