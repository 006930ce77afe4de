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

/** A new UUIDv7 string. */
export function newRequestId(now = Date.now()): string {
  if (offset + 10 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const r = pool.subarray(offset, offset + 10);
  offset += 10;
  const ts = now.toString(16).padStart(12, "0").slice(-12);
  const h = (i: number) => HEX[r[i] as number] as string;
  const version = `7${h(0).slice(1)}${h(1)}`;
  const variant = `${HEX[((r[2] as number) & 0x3f) | 0x80]}${h(3)}`;
  return `${ts.slice(0, 8)}-${ts.slice(8)}-${version}-${variant}-${h(4)}${h(5)}${h(6)}${h(7)}${h(8)}${h(9)}`;
}
