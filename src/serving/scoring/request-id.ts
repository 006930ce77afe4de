/**
 * Request ids as UUID version 7 (RFC 9562): a millisecond timestamp, then random bits. Ids made
 * close in time sort close together, so the prediction log's key index grows at its end instead of
 * taking random page writes for every request.
 */
import { randomFillSync } from "node:crypto";

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
// Random bytes drawn in blocks: one system call per 512 ids.
const pool = new Uint8Array(512 * 10);
let offset = pool.length;
// Requests arriving in the same millisecond share the timestamp part.
let lastMs = -1;
let lastPrefix = "";

/** A new UUIDv7 string. */
export function newRequestId(now = Date.now()): string {
  if (offset + 10 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const o = offset;
  offset += 10;
  if (now !== lastMs) {
    const ts = now.toString(16).padStart(12, "0").slice(-12);
    lastMs = now;
    lastPrefix = `${ts.slice(0, 8)}-${ts.slice(8)}-`;
  }
  const version = `7${h(o).slice(1)}${h(o + 1)}`;
  const variant = `${HEX[((pool[o + 2] as number) & 0x3f) | 0x80]}${h(o + 3)}`;
  const tail = h(o + 4) + h(o + 5) + h(o + 6) + h(o + 7) + h(o + 8) + h(o + 9);
  return `${lastPrefix}${version}-${variant}-${tail}`;
}

/** Pool byte `i` as two hex digits. */
function h(i: number): string {
  return HEX[pool[i] as number] as string;
}
