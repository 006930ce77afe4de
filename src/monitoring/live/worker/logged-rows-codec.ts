/**
 * Logged rows as one transferable buffer for the aggregator thread: per row its time (float64),
 * deployment, model and version (uint16 indexes into `names`) and inputs (length-prefixed UTF-8).
 * The serving thread writes bytes once; nothing is cloned object by object.
 */
import type { PredictionRecord } from "../../../serving/prediction-log/prediction-log-store.js";
import type { LoggedRow } from "../windows/bucket-accumulator.js";

const HEAD = 16;

/** Encoded rows: `bytes` (its buffer is transferable) and the names it indexes. */
export interface EncodedLoggedRows {
  bytes: Uint8Array;
  names: string[];
  rows: number;
}

/** The primary's answered rows of `records` (shadow copies and candidates are not monitored). */
export function encodeLoggedRows(records: readonly PredictionRecord[]): EncodedLoggedRows | undefined {
  let chars = 0;
  let rows = 0;
  for (const r of records) {
    if (r.variant !== "primary" || r.shadow) continue;
    chars += r.inputs.length;
    rows++;
  }
  if (rows === 0) return undefined;
  // Worst case three UTF-8 bytes per UTF-16 unit.
  let buf = Buffer.allocUnsafeSlow(rows * (HEAD + 4) + chars * 3);
  const names: string[] = [];
  const index = new Map<string, number>();
  const nameAt = (name: string): number => {
    let i = index.get(name);
    if (i === undefined) {
      i = names.push(name) - 1;
      index.set(name, i);
    }
    return i;
  };
  let at = 0;
  for (const r of records) {
    if (r.variant !== "primary" || r.shadow) continue;
    buf.writeDoubleLE(r.time, at);
    buf.writeUInt16LE(nameAt(r.deployment), at + 8);
    buf.writeUInt16LE(nameAt(r.modelName), at + 10);
    buf.writeUInt16LE(nameAt(r.modelVersion), at + 12);
    buf.writeUInt16LE(0, at + 14);
    const n = buf.write(r.inputs, at + HEAD + 4);
    buf.writeUInt32LE(n, at + HEAD);
    at += HEAD + 4 + n;
  }
  buf = buf.subarray(0, at);
  return { bytes: buf, names, rows };
}

/** The rows back. */
export function decodeLoggedRows(bytes: Uint8Array, names: readonly string[]): LoggedRow[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: LoggedRow[] = [];
  let at = 0;
  while (at < buf.length) {
    const n = buf.readUInt32LE(at + HEAD);
    out.push({
      time: buf.readDoubleLE(at),
      deployment: names[buf.readUInt16LE(at + 8)] as string,
      modelName: names[buf.readUInt16LE(at + 10)] as string,
      modelVersion: names[buf.readUInt16LE(at + 12)] as string,
      inputs: buf.toString("utf8", at + HEAD + 4, at + HEAD + 4 + n),
    });
    at += HEAD + 4 + n;
  }
  return out;
}
