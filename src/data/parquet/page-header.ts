/**
 * Parquet page headers: the Thrift compact-protocol struct in front of every page of a column
 * chunk. Only the fields a flat-column decoder needs are kept; every other field is skipped.
 */

/** Page types (parquet.thrift `PageType`). */
export const PAGE_DATA = 0;
export const PAGE_DICTIONARY = 2;
export const PAGE_DATA_V2 = 3;

/** Value encodings (parquet.thrift `Encoding`) the decoder knows by number. */
export const ENC_PLAIN = 0;
export const ENC_PLAIN_DICTIONARY = 2;
export const ENC_RLE = 3;
export const ENC_RLE_DICTIONARY = 8;

/** A page header: sizes, and the data-page / dictionary-page fields that shape decoding. */
export interface PageHeader {
  type: number;
  uncompressedSize: number;
  compressedSize: number;
  /** Values in the page (data pages: rows, nulls included; dictionary pages: entries). */
  numValues: number;
  encoding: number;
  /** Data page v1: encoding of the definition levels (RLE = 3). */
  defEncoding: number;
  /** Data page v2: nulls, level byte lengths (levels are never compressed) and whether values are. */
  numNulls: number;
  defLength: number;
  repLength: number;
  isCompressed: boolean;
}

// Compact-protocol type ids.
const T_TRUE = 1;
const T_FALSE = 2;
const T_BYTE = 3;
const T_I16 = 4;
const T_I32 = 5;
const T_I64 = 6;
const T_DOUBLE = 7;
const T_BINARY = 8;
const T_LIST = 9;
const T_SET = 10;
const T_MAP = 11;
const T_STRUCT = 12;

/** A cursor over compact-protocol bytes that fails on reads past `end` instead of returning garbage. */
class Cursor {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}

  byte(): number {
    if (this.pos >= this.end) throw new Error("page header runs past the column chunk");
    return this.buf[this.pos++] as number;
  }

  /** An unsigned varint up to 2^53 (page header fields are i32; skipped i64 fields only need their length). */
  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new Error("malformed varint in page header");
  }

  /** A zigzag-encoded i32. */
  i32(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  skip(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new Error("page header runs past the column chunk");
    this.pos += n;
  }
}

/**
 * Walk a struct's fields, calling `field(id, type)` for each; the callback returns true when it
 * consumed the value, else the value is skipped.
 */
function readStruct(c: Cursor, field: (id: number, type: number) => boolean, depth = 0): void {
  if (depth > 16) throw new Error("page header nests too deeply");
  let id = 0;
  for (;;) {
    const head = c.byte();
    const type = head & 0x0f;
    if (type === 0) return;
    const delta = head >> 4;
    id = delta === 0 ? c.i32() : id + delta;
    if (!field(id, type)) skipValue(c, type, depth);
  }
}

function skipValue(c: Cursor, type: number, depth: number): void {
  switch (type) {
    case T_TRUE:
    case T_FALSE:
      return;
    case T_BYTE:
      c.skip(1);
      return;
    case T_I16:
    case T_I32:
    case T_I64:
      c.varint();
      return;
    case T_DOUBLE:
      c.skip(8);
      return;
    case T_BINARY:
      c.skip(c.varint());
      return;
    case T_LIST:
    case T_SET: {
      const head = c.byte();
      const size = head >> 4 === 15 ? c.varint() : head >> 4;
      const elem = head & 0x0f;
      // Booleans inside a list take one byte each.
      for (let i = 0; i < size; i++) {
        if (elem === T_TRUE || elem === T_FALSE) c.skip(1);
        else skipValue(c, elem, depth + 1);
      }
      return;
    }
    case T_MAP: {
      const size = c.varint();
      if (size === 0) return;
      const kv = c.byte();
      for (let i = 0; i < size; i++) {
        skipValue(c, kv >> 4, depth + 1);
        skipValue(c, kv & 0x0f, depth + 1);
      }
      return;
    }
    case T_STRUCT:
      readStruct(c, () => false, depth + 1);
      return;
    default:
      throw new Error(`unknown Thrift type ${type} in page header`);
  }
}

/** Read the page header at `pos` (no further than `end`); returns it and the offset of the page body. */
export function readPageHeader(buf: Uint8Array, pos: number, end: number): { header: PageHeader; body: number } {
  const c = new Cursor(buf, pos, end);
  const h: PageHeader = {
    type: -1,
    uncompressedSize: -1,
    compressedSize: -1,
    numValues: 0,
    encoding: ENC_PLAIN,
    defEncoding: ENC_RLE,
    numNulls: 0,
    defLength: 0,
    repLength: 0,
    isCompressed: true,
  };
  readStruct(c, (id, type) => {
    if (type === T_I32 && id <= 3) {
      const v = c.i32();
      if (id === 1) h.type = v;
      else if (id === 2) h.uncompressedSize = v;
      else h.compressedSize = v;
      return true;
    }
    if (type !== T_STRUCT) return false;
    if (id === 5) readStruct(c, (f, t) => dataPageField(c, h, f, t));
    else if (id === 7) readStruct(c, (f, t) => dictionaryPageField(c, h, f, t));
    else if (id === 8) readStruct(c, (f, t) => dataPageV2Field(c, h, f, t));
    else return false;
    return true;
  });
  if (h.type < 0 || h.uncompressedSize < 0 || h.compressedSize < 0)
    throw new Error("page header lacks a required field");
  if (h.numValues < 0 || h.defLength < 0 || h.repLength < 0) throw new Error("page header has a negative count");
  return { header: h, body: c.pos };
}

function dataPageField(c: Cursor, h: PageHeader, id: number, type: number): boolean {
  if (type !== T_I32 || id > 4) return false;
  const v = c.i32();
  if (id === 1) h.numValues = v;
  else if (id === 2) h.encoding = v;
  else if (id === 3) h.defEncoding = v;
  return true;
}

function dictionaryPageField(c: Cursor, h: PageHeader, id: number, type: number): boolean {
  if (type !== T_I32 || id > 2) return false;
  const v = c.i32();
  if (id === 1) h.numValues = v;
  else h.encoding = v;
  return true;
}

function dataPageV2Field(c: Cursor, h: PageHeader, id: number, type: number): boolean {
  if (id === 7 && (type === T_TRUE || type === T_FALSE)) {
    h.isCompressed = type === T_TRUE;
    return true;
  }
  if (type !== T_I32 || id > 6) return false;
  const v = c.i32();
  if (id === 1) h.numValues = v;
  else if (id === 2) h.numNulls = v;
  else if (id === 4) h.encoding = v;
  else if (id === 5) h.defLength = v;
  else if (id === 6) h.repLength = v;
  return true;
}
