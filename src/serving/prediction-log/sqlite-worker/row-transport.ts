/**
 * Prediction records handed to the writer thread in a compact binary form: per row a fixed part
 * (numbers as float64/uint32, flags as bytes, deployment/model/version as indexes into `names`),
 * then the request id, label, routing key (if any) and inputs JSON as length-prefixed UTF-8.
 * Numbers never become text on the serving thread, and the batch is written straight into one
 * buffer that is transferred, not copied, and comes back with the writer's reply to be filled
 * again: a fresh large allocation per batch (a joined string, or a new buffer) pays a page fault
 * for every 4 KiB it touches.
 */
import type { PredictionRecord } from "../prediction-log-store.js";

/** Bytes of a row's fixed part: score, time, latency (f64), row (u32), shadow, variant, has-key (u8), pad, three u16 name indexes, pad. */
const HEAD_BYTES = 40;

/** A batch as the writer reads it: rows in `bytes`, and the deployment/model/version names they index. */
export interface EncodedRows {
  bytes: Uint8Array;
  names: string[];
}

/** Encode records; `spare` is a buffer to write into when it is large enough. */
export function encodeRows(records: readonly PredictionRecord[], spare?: ArrayBuffer): EncodedRows {
  const size = Math.max(4096, records.length * 768);
  // Not from Buffer's shared pool, so the whole ArrayBuffer is ours to transfer.
  let buf: Buffer = spare && spare.byteLength >= size ? Buffer.from(spare) : Buffer.allocUnsafeSlow(size);
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const indexOf = (name: string): number => {
    let i = nameIndex.get(name);
    if (i === undefined) {
      i = names.push(name) - 1;
      nameIndex.set(name, i);
    }
    return i;
  };
  let at = 0;
  const text = (s: string) => {
    const n = buf.write(s, at + 4);
    buf.writeUInt32LE(n, at);
    at += 4 + n;
  };
  for (const r of records) {
    const key = r.routingKey;
    // Worst case three UTF-8 bytes per UTF-16 unit.
    const chars = r.requestId.length + r.label.length + (key?.length ?? 0) + r.inputs.length;
    const need = HEAD_BYTES + 16 + 3 * chars;
    if (at + need > buf.length) buf = grown(buf, at, at + need);
    buf.writeDoubleLE(r.score, at);
    buf.writeDoubleLE(r.time, at + 8);
    buf.writeDoubleLE(r.latencyMs, at + 16);
    buf.writeUInt32LE(r.row, at + 24);
    buf[at + 28] = r.shadow ? 1 : 0;
    buf[at + 29] = r.variant === "candidate" ? 1 : 0;
    buf[at + 30] = key === undefined ? 0 : 1;
    buf[at + 31] = 0;
    buf.writeUInt16LE(indexOf(r.deployment), at + 32);
    buf.writeUInt16LE(indexOf(r.modelName), at + 34);
    buf.writeUInt16LE(indexOf(r.modelVersion), at + 36);
    buf.writeUInt16LE(0, at + 38);
    at += HEAD_BYTES;
    text(r.requestId);
    text(r.label);
    if (key !== undefined) text(key);
    text(r.inputs);
  }
  return { bytes: new Uint8Array(buf.buffer, 0, at), names };
}

/** A buffer of at least `min` bytes (doubling) holding the first `used` bytes of `buf`. */
function grown(buf: Buffer, used: number, min: number): Buffer {
  const next = Buffer.allocUnsafeSlow(Math.max(min, buf.length * 2));
  buf.copy(next, 0, 0, used);
  return next;
}

/** The records of an encoded batch. */
export function decodeRows(bytes: Uint8Array, names: readonly string[]): PredictionRecord[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: PredictionRecord[] = [];
  let at = 0;
  const text = () => {
    const n = buf.readUInt32LE(at);
    const s = buf.toString("utf8", at + 4, at + 4 + n);
    at += 4 + n;
    return s;
  };
  while (at < buf.length) {
    const score = buf.readDoubleLE(at);
    const time = buf.readDoubleLE(at + 8);
    const latencyMs = buf.readDoubleLE(at + 16);
    const row = buf.readUInt32LE(at + 24);
    const shadow = buf[at + 28] === 1;
    const variant = buf[at + 29] === 1 ? "candidate" : "primary";
    const hasKey = buf[at + 30] === 1;
    const deployment = names[buf.readUInt16LE(at + 32)] as string;
    const modelName = names[buf.readUInt16LE(at + 34)] as string;
    const modelVersion = names[buf.readUInt16LE(at + 36)] as string;
    at += HEAD_BYTES;
    const requestId = text();
    const label = text();
    const routingKey = hasKey ? text() : undefined;
    const inputs = text();
    const r: PredictionRecord = {
      deployment,
      requestId,
      row,
      variant,
      shadow,
      modelName,
      modelVersion,
      inputs,
      score,
      label,
      time,
      latencyMs,
    };
    if (routingKey !== undefined) r.routingKey = routingKey;
    out.push(r);
  }
  return out;
}
