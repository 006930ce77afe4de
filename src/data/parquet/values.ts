/**
 * A data page's values into the sink: PLAIN, dictionary indices (RLE_DICTIONARY /
 * PLAIN_DICTIONARY) or RLE booleans. Pages without nulls decode straight into the column's
 * arrays; pages with nulls decode densely into scratch and are spread over the rows by their
 * definition levels.
 */
import type { ChunkTarget } from "./column-chunk.js";
import type { PageHeader } from "./page-header.js";
import { ENC_PLAIN, ENC_PLAIN_DICTIONARY, ENC_RLE, ENC_RLE_DICTIONARY } from "./page-header.js";
import type { Reading } from "./plain.js";
import {
  hashKey,
  plainStringOffsets,
  readPlainBools,
  readPlainNumbers,
  readPlainStrings,
  readUint32,
} from "./plain.js";
import { decodeHybrid } from "./rle.js";
import { Unsupported } from "./unsupported.js";

/** Reusable per-read buffers, grown on demand. */
export class Scratch {
  private readonly u8 = new Map<string, Uint8Array>();
  private i32 = new Int32Array(0);
  private f64 = new Float64Array(0);

  /** A byte buffer of at least `n` for `key` (definition levels, booleans). */
  bytes(key: string, n: number): Uint8Array {
    let b = this.u8.get(key);
    if (!b || b.length < n) {
      b = new Uint8Array(grow(b?.length ?? 0, n));
      this.u8.set(key, b);
    }
    return b;
  }

  ints(n: number): Int32Array {
    if (this.i32.length < n) this.i32 = new Int32Array(grow(this.i32.length, n));
    return this.i32;
  }

  doubles(n: number): Float64Array {
    if (this.f64.length < n) this.f64 = new Float64Array(grow(this.f64.length, n));
    return this.f64;
  }
}

function grow(have: number, need: number): number {
  return Math.max(need, have * 2, 1024);
}

/** A chunk's dictionary page: numbers already converted, or byte strings mapped lazily to sink codes. */
export interface PageDictionary {
  size: number;
  numbers?: Float64Array;
  strings?: { bytes: Uint8Array; starts: Int32Array; ends: Int32Array; codes: Int32Array };
}

/** Read a dictionary page (PLAIN entries). */
export function readDictionaryPage(page: Uint8Array, h: PageHeader, t: ChunkTarget): PageDictionary {
  if (h.encoding !== ENC_PLAIN && h.encoding !== ENC_PLAIN_DICTIONARY) {
    throw new Unsupported(`dictionary pages in encoding ${h.encoding}`);
  }
  const size = h.numValues;
  if (t.sink.f64) {
    const numbers = new Float64Array(size);
    readPlainNumbers(page, 0, size, reading(t), numbers, 0);
    return { size, numbers };
  }
  if (t.sink.codes) {
    // A copy: the page may sit in the decompressor's scratch, reused by the next page.
    const bytes = page.slice();
    const { starts, ends } = plainStringOffsets(bytes, size);
    return { size, strings: { bytes, starts, ends, codes: new Int32Array(size).fill(-1) } };
  }
  throw new Unsupported("dictionary-encoded booleans");
}

function reading(t: ChunkTarget): Reading {
  if (!t.plan.fast) throw new Error("the column has no fast reading");
  return t.plan.fast;
}

/** Write a page's `n` rows (`present` of them non-null, levels in scratch) into the sink from `row`. */
export function writeValues(
  page: Uint8Array,
  pos: number,
  encoding: number,
  n: number,
  present: number,
  t: ChunkTarget,
  row: number,
  dict: PageDictionary | undefined,
): void {
  const { sink, scratch } = t;
  const direct = present === n;
  const at = direct ? row : 0;
  if (sink.f64) {
    const out = direct ? sink.f64 : scratch.doubles(present);
    if (present > 0) readNumbers(page, pos, encoding, present, t, out, at, dict);
    if (!direct) spread(out, sink.f64, Number.NaN, n, row, t);
  } else if (sink.codes) {
    const out = direct ? sink.codes : scratch.ints(present);
    if (present > 0) readCodes(page, pos, encoding, present, t, out, at, dict);
    if (!direct) spread(out, sink.codes, -1, n, row, t);
  } else if (sink.bools) {
    const out = direct ? sink.bools : scratch.bytes("bools", present);
    if (present > 0) readBools(page, pos, encoding, present, out, at);
    if (!direct) spread(out, sink.bools, 0, n, row, t);
  }
}

function readNumbers(
  page: Uint8Array,
  pos: number,
  encoding: number,
  n: number,
  t: ChunkTarget,
  out: Float64Array,
  at: number,
  dict: PageDictionary | undefined,
): void {
  if (encoding === ENC_PLAIN) {
    readPlainNumbers(page, pos, n, reading(t), out, at);
    return;
  }
  const idx = readIndices(page, pos, encoding, n, t, dict);
  const numbers = dict?.numbers as Float64Array;
  for (let i = 0; i < n; i++) out[at + i] = numbers[idx[i] as number] as number;
}

function readCodes(
  page: Uint8Array,
  pos: number,
  encoding: number,
  n: number,
  t: ChunkTarget,
  out: Int32Array,
  at: number,
  dict: PageDictionary | undefined,
): void {
  const byteDict = t.sink.dict;
  if (!byteDict) throw new Error("the column has no dictionary");
  if (encoding === ENC_PLAIN) {
    readPlainStrings(page, pos, n, byteDict, out, at);
    return;
  }
  const idx = readIndices(page, pos, encoding, n, t, dict);
  const s = dict?.strings;
  if (!s) throw new Error("the dictionary page is not of strings");
  const { bytes, starts, ends, codes } = s;
  for (let i = 0; i < n; i++) {
    const k = idx[i] as number;
    let code = codes[k] as number;
    if (code < 0) {
      const from = starts[k] as number;
      const to = ends[k] as number;
      codes[k] = code = byteDict.codeHashed(bytes, from, to, hashKey(bytes, from, to));
    }
    out[at + i] = code;
  }
}

/** Dictionary indices of `n` values: a bit-width byte, then the hybrid runs; each checked against the dictionary. */
function readIndices(
  page: Uint8Array,
  pos: number,
  encoding: number,
  n: number,
  t: ChunkTarget,
  dict: PageDictionary | undefined,
): Int32Array {
  if (encoding !== ENC_RLE_DICTIONARY && encoding !== ENC_PLAIN_DICTIONARY) {
    throw new Unsupported(`values in encoding ${encoding}`);
  }
  if (!dict) throw new Error("a page uses a dictionary the chunk does not have");
  if (pos >= page.length) throw new Error("dictionary indices missing from their page");
  const idx = t.scratch.ints(n);
  decodeHybrid(page, pos + 1, page.length, page[pos] as number, idx, 0, n);
  const size = dict.size;
  for (let i = 0; i < n; i++) {
    const k = idx[i] as number;
    if (k < 0 || k >= size) throw new Error(`dictionary index ${k} is out of range (${size} entries)`);
  }
  return idx;
}

function readBools(page: Uint8Array, pos: number, encoding: number, n: number, out: Uint8Array, at: number): void {
  if (encoding === ENC_PLAIN) {
    readPlainBools(page, pos, n, out, at);
    return;
  }
  if (encoding !== ENC_RLE) throw new Unsupported(`booleans in encoding ${encoding}`);
  if (pos + 4 > page.length) throw new Error("RLE booleans lack their length");
  const end = pos + 4 + readUint32(page, pos);
  if (end > page.length) throw new Error("RLE booleans run past their page");
  decodeHybrid(page, pos + 4, end, 1, out, at, n);
}

/** Spread dense values over rows [row, row + n) by the definition levels; missing rows get `missing` and a null mark. */
function spread<T extends Float64Array | Int32Array | Uint8Array>(
  dense: T,
  out: T,
  missing: number,
  n: number,
  row: number,
  t: ChunkTarget,
): void {
  const defs = t.scratch.bytes("defs", n);
  const nulls = t.sink.nullMask();
  for (let i = 0, j = 0; i < n; i++) {
    if (defs[i] === 1) out[row + i] = dense[j++] as number;
    else {
      out[row + i] = missing;
      nulls[row + i] = 1;
    }
  }
}
