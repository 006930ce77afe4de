/**
 * A string column's dictionary from its byte keys. Keys are bytes as stored, so two keys can
 * decode to one string (invalid UTF-8 becomes U+FFFD; TextDecoder, which hyparquet uses for
 * BYTE_ARRAY, drops a leading byte-order mark): those are merged, keeping first-appearance order.
 */
import { isAscii, isUtf8 } from "node:buffer";
import type { ByteDict } from "../csv/byte-dict.js";
import { decodeDict } from "../csv/byte-dict.js";

/** How stored bytes read as text: `text` as TextDecoder (BYTE_ARRAY), `buffer` as Buffer#toString (fixed-length). */
export type KeyDecoding = "text" | "buffer";

const textDecoder = new TextDecoder();

/** The decoded dictionary; `codes` (−1 for null rows) are rewritten when keys merge. */
export function finishDictionary(dict: ByteDict, codes: Int32Array, decoding: KeyDecoding): string[] {
  const bytes = dict.toBytes(false);
  const arena = Buffer.from(bytes.arena.buffer, bytes.arena.byteOffset, bytes.arena.byteLength);
  if (isAscii(arena) || (isUtf8(arena) && !(decoding === "text" && hasBomKey(arena, bytes.offsets)))) {
    return decodeDict(bytes);
  }
  const n = bytes.offsets.length - 1;
  const merged = new Map<string, number>();
  const remap = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const key = arena.subarray(bytes.offsets[k], bytes.offsets[k + 1]);
    const s = decoding === "text" ? textDecoder.decode(key) : key.toString("utf8");
    let code = merged.get(s);
    if (code === undefined) {
      code = merged.size;
      merged.set(s, code);
    }
    remap[k] = code;
  }
  if (merged.size < n) {
    for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) codes[i] = remap[codes[i] as number] as number;
  }
  return [...merged.keys()];
}

function hasBomKey(arena: Uint8Array, offsets: Int32Array): boolean {
  for (let k = 0; k + 1 < offsets.length; k++) {
    const s = offsets[k] as number;
    if (offsets[k + 1] - s >= 3 && arena[s] === 0xef && arena[s + 1] === 0xbb && arena[s + 2] === 0xbf) return true;
  }
  return false;
}
