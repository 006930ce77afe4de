/**
 * One column chunk (a column's pages within a row group) decoded into a {@link ColumnSink}:
 * dictionary page, then data pages v1 or v2 with RLE definition levels and PLAIN, dictionary or
 * (booleans) RLE values. Anything else throws {@link Unsupported} and the chunk is re-read by hyparquet.
 */
import type { ColumnPlan } from "./column-plan.js";
import type { ColumnSink } from "./column-sink.js";
import type { Decompress } from "./decompress.js";
import type { PageHeader } from "./page-header.js";
import { ENC_RLE, PAGE_DATA, PAGE_DATA_V2, PAGE_DICTIONARY, readPageHeader } from "./page-header.js";
import { readUint32 } from "./plain.js";
import { decodeHybrid } from "./rle.js";
import { Unsupported } from "./unsupported.js";
import type { PageDictionary, Scratch } from "./values.js";
import { readDictionaryPage, writeValues } from "./values.js";

/** Everything a chunk decode needs besides its bytes. */
export interface ChunkTarget {
  plan: ColumnPlan;
  sink: ColumnSink;
  decompress: Decompress;
  scratch: Scratch;
}

/** Decode the chunk `bytes` (its pages, back to back) into sink rows [row, row + rows). */
export function decodeChunk(bytes: Uint8Array, target: ChunkTarget, row: number, rows: number): void {
  const stop = row + rows;
  let pos = 0;
  let dict: PageDictionary | undefined;
  while (row < stop) {
    if (pos >= bytes.length) throw new Error("the chunk ends before all its rows were read");
    const { header, body } = readPageHeader(bytes, pos, bytes.length);
    pos = body + header.compressedSize;
    if (pos > bytes.length) throw new Error("a page runs past its column chunk");
    const raw = bytes.subarray(body, pos);
    if (header.type === PAGE_DICTIONARY) {
      const page = target.decompress(raw, header.uncompressedSize);
      dict = readDictionaryPage(page, header, target);
    } else if (header.type === PAGE_DATA || header.type === PAGE_DATA_V2) {
      if (row + header.numValues > stop) throw new Error("a page holds more values than the row group has rows");
      if (header.type === PAGE_DATA) dataPageV1(raw, header, target, row, dict);
      else dataPageV2(raw, header, target, row, dict);
      row += header.numValues;
    }
    // Index pages and unknown page types carry no rows: skipped.
  }
  target.sink.checkIntegers(stop - rows, stop);
}

function dataPageV1(raw: Uint8Array, h: PageHeader, t: ChunkTarget, row: number, dict?: PageDictionary): void {
  const page = t.decompress(raw, h.uncompressedSize);
  let pos = 0;
  let present = h.numValues;
  if (t.plan.optional) {
    if (h.defEncoding !== ENC_RLE) throw new Unsupported(`definition levels in encoding ${h.defEncoding}`);
    if (page.length < 4) throw new Error("data page too short for its definition levels");
    const length = readUint32(page, 0);
    const end = 4 + length;
    if (end > page.length) throw new Error("definition levels run past their page");
    present = readLevels(page, 4, end, h.numValues, t.scratch);
    pos = end;
  }
  writeValues(page, pos, h.encoding, h.numValues, present, t, row, dict);
}

function dataPageV2(raw: Uint8Array, h: PageHeader, t: ChunkTarget, row: number, dict?: PageDictionary): void {
  const levels = h.repLength + h.defLength;
  if (levels > raw.length) throw new Error("levels run past their page");
  // A flat column's repetition levels (and a required one's definition levels) are all 0; some
  // writers store them anyway, so they are skipped rather than refused.
  let present = h.numValues;
  if (t.plan.optional && (h.defLength > 0 || h.numNulls > 0)) {
    present = readLevels(raw, h.repLength, levels, h.numValues, t.scratch);
  }
  if (present !== h.numValues - h.numNulls) throw new Error("a page's null count disagrees with its definition levels");
  const size = h.uncompressedSize - levels;
  const values = raw.subarray(levels);
  const page = h.isCompressed && size > 0 ? t.decompress(values, size) : values;
  writeValues(page, 0, h.encoding, h.numValues, present, t, row, dict);
}

/** Decode a flat column's definition levels (0 or 1) into `scratch.defs`; returns how many are 1. */
function readLevels(buf: Uint8Array, pos: number, end: number, n: number, scratch: Scratch): number {
  const defs = scratch.bytes("defs", n);
  decodeHybrid(buf, pos, end, 1, defs, 0, n);
  let present = 0;
  for (let i = 0; i < n; i++) if (defs[i] === 1) present++;
  return present;
}
