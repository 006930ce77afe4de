/**
 * Streams a byte range of a file through a {@link ChunkParser} in blocks read into one reusable buffer
 * (a partial last row is carried over), so a large file is never held, or page-faulted in, whole.
 */
import { isUtf8 } from "node:buffer";
import { readSync } from "node:fs";
import type { ChunkParser } from "./chunk-parser.js";

/** Block size: large enough that the per-block overhead vanishes, small enough to stay cache- and fault-cheap. */
export const BLOCK_BYTES = 2 << 20;

/** A block held a NUL byte or invalid UTF-8: the caller re-reads the whole file to locate and report it. */
export class BadBytesError extends Error {}

/** Read up to `length` bytes at file position `at` into `buf[off..]`; fewer only at the end of the file. */
export function readFully(fd: number, buf: Buffer, off: number, length: number, at: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, off + got, length - got, at + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** Where the last complete line of buf[0, filled) ends (after its LF, or a CR not followed by LF), or -1. */
export function lastLineEnd(buf: Buffer, filled: number): number {
  if (filled === 0) return -1;
  const lf = buf.lastIndexOf(10, filled - 1);
  if (lf >= 0) return lf + 1;
  const cr = filled >= 2 ? buf.lastIndexOf(13, filled - 2) : -1;
  return cr >= 0 ? cr + 1 : -1;
}

/** A block buffer reused across ranges (fresh memory costs page faults); grown when one row does not fit. */
export interface BlockBuffer {
  buf: Buffer;
}

/** A block buffer of `bytes` bytes. */
export function blockBuffer(bytes = BLOCK_BYTES): BlockBuffer {
  return { buf: Buffer.allocUnsafeSlow(Math.max(1, bytes)) };
}

/**
 * Parse bytes [start, end) of file `fd` through `parser` (its lines numbered as it was created);
 * returns false when the parser stopped on a bad cell (see `parser.error`).
 */
export function parseFileRange(
  fd: number,
  start: number,
  end: number,
  parser: ChunkParser,
  blocks: BlockBuffer = blockBuffer(Math.min(BLOCK_BYTES, end - start)),
): boolean {
  let buf = blocks.buf;
  let filled = 0;
  let at = start;
  for (;;) {
    const got = readFully(fd, buf, filled, Math.min(buf.length - filled, end - at), at);
    filled += got;
    at += got;
    const final = at >= end || got === 0;
    const safe = final ? filled : lastLineEnd(buf, filled);
    if (safe < 0) {
      buf = enlarge(blocks, filled);
      continue;
    }
    const view = buf.subarray(0, safe);
    if (view.indexOf(0) >= 0 || !isUtf8(view)) throw new BadBytesError("NUL byte or invalid UTF-8");
    parser.buf = buf;
    const pos = parser.run(0, safe, Number.POSITIVE_INFINITY, final);
    if (pos < 0) return false;
    if (final) return true;
    buf.copy(buf, 0, pos, filled);
    filled -= pos;
    if (filled === buf.length) buf = enlarge(blocks, filled);
  }
}

function enlarge(blocks: BlockBuffer, filled: number): Buffer {
  const next = Buffer.allocUnsafeSlow(blocks.buf.length * 2);
  blocks.buf.copy(next, 0, 0, filled);
  blocks.buf = next;
  return next;
}
