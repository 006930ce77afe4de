/**
 * PLAIN-encoded values straight into typed arrays: numbers (with the column's conversion) into a
 * Float64Array, booleans into bytes, byte strings into dictionary codes. No JS value per cell.
 */
import type { ByteDict } from "../csv/byte-dict.js";
import type { ColumnPlan } from "./column-plan.js";

/** The fast reading of a column (see {@link ColumnPlan}). */
export type Reading = NonNullable<ColumnPlan["fast"]>;

const TWO_32 = 4294967296;
/** Date's range: epoch milliseconds beyond it make an invalid Date (NaN), as hyparquet's Date values do. */
const MAX_DATE_MS = 8.64e15;

function clip(ms: number): number {
  return Math.abs(ms) > MAX_DATE_MS ? Number.NaN : ms + 0;
}

/** Bytes per PLAIN value of a fixed-width physical type (0 for byte arrays, which carry lengths). */
export function plainWidth(reading: Reading): number {
  switch (reading.physical) {
    case "INT32":
    case "FLOAT":
      return 4;
    case "INT64":
    case "DOUBLE":
      return 8;
    case "INT96":
      return 12;
    default:
      return 0;
  }
}

/** A signed 64-bit value (low and high words) as the column's number. */
export function int64Value(lo: number, hi: number, reading: Reading): number {
  const t = reading.transform;
  if (t === "uint") return (hi >>> 0) * TWO_32 + (lo >>> 0);
  const v = hi * TWO_32 + (lo >>> 0);
  if (t === "raw" || t === "decimal") return t === "raw" ? v : v / reading.divisor;
  if (t === "millis") return clip(v);
  const unit = t === "micros" ? 1000 : 1_000_000;
  if (Math.abs(v) <= Number.MAX_SAFE_INTEGER) return clip((v - (v % unit)) / unit);
  // Beyond 2^53 the double is inexact: divide the exact value, truncating toward zero like BigInt.
  const exact = (BigInt(hi) << 32n) | BigInt(lo >>> 0);
  return clip(Number(exact / BigInt(unit)));
}

/** Julian day number of 1970-01-01. */
const UNIX_EPOCH_JULIAN_DAY = 2_440_588;

/**
 * An INT96 timestamp (signed nanoseconds of the day in two words, then the Julian day) as epoch
 * milliseconds, truncated toward zero like hyparquet's BigInt division of the nanoseconds.
 */
export function int96Value(lo: number, hi: number, julianDay: number): number {
  const nanosOfDay = hi * TWO_32 + (lo >>> 0);
  const days = julianDay - UNIX_EPOCH_JULIAN_DAY;
  // Only the sign of the total is needed (it is exact near zero, where it matters).
  const negative = days * 86_400_000_000_000 + nanosOfDay < 0;
  const millis = negative ? Math.ceil(nanosOfDay / 1e6) : Math.floor(nanosOfDay / 1e6);
  return clip(days * 86_400_000 + millis);
}

/** A 32-bit value as the column's number. */
function int32Value(v: number, reading: Reading): number {
  switch (reading.transform) {
    case "uint":
      return v >>> 0;
    case "days":
      return clip(v * 86_400_000);
    case "decimal":
      return v / reading.divisor;
    default:
      return v;
  }
}

/** Decode `n` fixed-width numbers at `pos` into `out` from `at`; returns the position after them. */
export function readPlainNumbers(
  page: Uint8Array,
  pos: number,
  n: number,
  reading: Reading,
  out: Float64Array,
  at: number,
): number {
  const width = plainWidth(reading);
  const end = pos + n * width;
  if (width === 0 || end > page.length) throw new Error("PLAIN values run past their page");
  if (reading.physical === "DOUBLE") {
    // Little-endian doubles are the Float64Array's own bytes: one copy.
    new Uint8Array(out.buffer, out.byteOffset + at * 8, n * 8).set(page.subarray(pos, end));
    return end;
  }
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  if (reading.physical === "FLOAT") {
    for (let i = 0; i < n; i++) out[at + i] = view.getFloat32(pos + i * 4, true);
  } else if (reading.physical === "INT32") {
    if (reading.transform === "raw") for (let i = 0; i < n; i++) out[at + i] = view.getInt32(pos + i * 4, true);
    else for (let i = 0; i < n; i++) out[at + i] = int32Value(view.getInt32(pos + i * 4, true), reading);
  } else if (reading.physical === "INT96") {
    for (let i = 0, p = pos; i < n; i++, p += 12) {
      out[at + i] = int96Value(view.getUint32(p, true), view.getInt32(p + 4, true), view.getInt32(p + 8, true));
    }
  } else if (reading.transform === "raw") {
    for (let i = 0, p = pos; i < n; i++, p += 8) {
      out[at + i] = view.getInt32(p + 4, true) * TWO_32 + view.getUint32(p, true);
    }
  } else {
    for (let i = 0, p = pos; i < n; i++, p += 8) {
      out[at + i] = int64Value(view.getInt32(p, true), view.getInt32(p + 4, true), reading);
    }
  }
  return end;
}

/** Decode `n` bit-packed PLAIN booleans at `pos` into 0/1 bytes. */
export function readPlainBools(page: Uint8Array, pos: number, n: number, out: Uint8Array, at: number): number {
  const end = pos + Math.ceil(n / 8);
  if (end > page.length) throw new Error("PLAIN booleans run past their page");
  for (let i = 0; i < n; i++) out[at + i] = ((page[pos + (i >> 3)] as number) >> (i & 7)) & 1;
  return end;
}

/**
 * The hash of bytes [s, e) for a column's dictionary: four bytes per multiply (a string key costs
 * about a quarter of byte-wise FNV-1a), then a final mix so the low bits that pick a slot depend
 * on every byte. Every insert into a Parquet column's dictionary uses this hash.
 */
export function hashKey(buf: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5 ^ (e - s);
  let i = s;
  for (; i + 4 <= e; i += 4) {
    const w =
      (buf[i] as number) |
      ((buf[i + 1] as number) << 8) |
      ((buf[i + 2] as number) << 16) |
      ((buf[i + 3] as number) << 24);
    h = Math.imul(h ^ w, 0x85ebca6b);
    h ^= h >>> 13;
  }
  for (; i < e; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Decode `n` length-prefixed byte strings at `pos` into codes of `dict`. */
export function readPlainStrings(
  page: Uint8Array,
  pos: number,
  n: number,
  dict: ByteDict,
  out: Int32Array,
  at: number,
): number {
  const limit = page.length;
  for (let i = 0; i < n; i++) {
    if (pos + 4 > limit) throw new Error("PLAIN strings run past their page");
    const len = readUint32(page, pos);
    const s = pos + 4;
    pos = s + len;
    if (pos > limit) throw new Error("PLAIN string runs past its page");
    out[at + i] = dict.codeHashed(page, s, pos, hashKey(page, s, pos));
  }
  return pos;
}

/** Offsets of `n` length-prefixed byte strings (a dictionary page's entries): entry k is [starts[k], ends[k]). */
export function plainStringOffsets(page: Uint8Array, n: number): { starts: Int32Array; ends: Int32Array } {
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  let pos = 0;
  for (let k = 0; k < n; k++) {
    if (pos + 4 > page.length) throw new Error("dictionary entries run past their page");
    const len = readUint32(page, pos);
    starts[k] = pos + 4;
    pos += 4 + len;
    if (pos > page.length) throw new Error("dictionary entry runs past its page");
    ends[k] = pos;
  }
  return { starts, ends };
}

/** A little-endian uint32. */
export function readUint32(buf: Uint8Array, pos: number): number {
  return (
    ((buf[pos] as number) | ((buf[pos + 1] as number) << 8) | ((buf[pos + 2] as number) << 16)) +
    (buf[pos + 3] as number) * 16777216
  );
}
