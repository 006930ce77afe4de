/**
 * Metric history is stored as chunks: sorted runs of points of one series packed into one blob
 * (steps, timestamps, values as float64). A 1,000-metric batch becomes a handful of rows instead
 * of 1,000, which is what makes ingest fast; reads decode only the chunks a page needs.
 *
 * Points are ordered by (step, timestamp, value) with NaN after every number; identical points
 * are kept once (MLflow's primary key does the same).
 */
import { endianness } from "node:os";

/** Points of one series, column-wise. */
export interface Points {
  step: Float64Array;
  ts: Float64Array;
  value: Float64Array;
}

/** The largest number of points one chunk holds. */
export const CHUNK_MAX_POINTS = 1024;

// Typed arrays use the platform's byte order; the stored format is little-endian.
if (endianness() !== "LE")
  throw new Error("Modelworks stores metric chunks little-endian and needs a little-endian CPU");

/** Compare two points: step, then timestamp, then value (NaN last). */
export function comparePoint(s1: number, t1: number, v1: number, s2: number, t2: number, v2: number): number {
  if (s1 !== s2) return s1 - s2;
  if (t1 !== t2) return t1 - t2;
  const n1 = Number.isNaN(v1);
  const n2 = Number.isNaN(v2);
  if (n1 || n2) return n1 === n2 ? 0 : n1 ? 1 : -1;
  return v1 === v2 ? 0 : v1 < v2 ? -1 : 1;
}

/** Sort and de-duplicate points given as parallel arrays. */
export function sortPoints(step: ArrayLike<number>, ts: ArrayLike<number>, value: ArrayLike<number>): Points {
  const n = step.length;
  if (isStrictlyAscending(step, ts, value)) {
    // The usual batch: steps already go forward; copy without sorting.
    return { step: Float64Array.from(step), ts: Float64Array.from(ts), value: Float64Array.from(value) };
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) =>
    comparePoint(
      step[a] as number,
      ts[a] as number,
      value[a] as number,
      step[b] as number,
      ts[b] as number,
      value[b] as number,
    ),
  );
  const out = { step: new Float64Array(n), ts: new Float64Array(n), value: new Float64Array(n) };
  let k = 0;
  for (let j = 0; j < n; j++) {
    const i = order[j] as number;
    if (
      k > 0 &&
      comparePoint(
        out.step[k - 1] as number,
        out.ts[k - 1] as number,
        out.value[k - 1] as number,
        step[i] as number,
        ts[i] as number,
        value[i] as number,
      ) === 0
    )
      continue;
    out.step[k] = step[i] as number;
    out.ts[k] = ts[i] as number;
    out.value[k] = value[i] as number;
    k++;
  }
  return k === n ? out : slice(out, 0, k);
}

function isStrictlyAscending(step: ArrayLike<number>, ts: ArrayLike<number>, value: ArrayLike<number>): boolean {
  for (let i = 1; i < step.length; i++) {
    const s0 = step[i - 1] as number;
    const s1 = step[i] as number;
    if (s1 > s0) continue;
    if (
      s1 < s0 ||
      comparePoint(s0, ts[i - 1] as number, value[i - 1] as number, s1, ts[i] as number, value[i] as number) >= 0
    ) {
      return false;
    }
  }
  return true;
}

/** Points [from, to). */
export function slice(p: Points, from: number, to: number): Points {
  return { step: p.step.subarray(from, to), ts: p.ts.subarray(from, to), value: p.value.subarray(from, to) };
}

/** Concatenate point sets, then sort and de-duplicate. */
export function mergePoints(parts: readonly Points[]): Points {
  const n = parts.reduce((a, p) => a + p.step.length, 0);
  const step = new Float64Array(n);
  const ts = new Float64Array(n);
  const value = new Float64Array(n);
  let o = 0;
  for (const p of parts) {
    step.set(p.step, o);
    ts.set(p.ts, o);
    value.set(p.value, o);
    o += p.step.length;
  }
  return sortPoints(step, ts, value);
}

/** Pack points into a chunk blob. */
export function encodeChunk(p: Points): Buffer {
  const n = p.step.length;
  const all = new Float64Array(3 * n);
  all.set(p.step, 0);
  all.set(p.ts, n);
  all.set(p.value, 2 * n);
  return Buffer.from(all.buffer);
}

/** Unpack a chunk blob. */
export function decodeChunk(blob: Uint8Array): Points {
  // A driver's buffer may be a small view into a shared pool at an odd offset: copy those. Large
  // blobs own their (8-aligned) memory, and skipping the copy matters when a chart reads 1M points.
  const bytes = blob.byteOffset % 8 === 0 ? blob : new Uint8Array(blob);
  const all = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  const n = all.length / 3;
  return { step: all.subarray(0, n), ts: all.subarray(n, 2 * n), value: all.subarray(2 * n) };
}

/**
 * Split sorted points into chunks of at most CHUNK_MAX_POINTS, never between two points with the
 * same (step, timestamp), so chunk key ranges never touch.
 */
export function splitChunks(p: Points, max = CHUNK_MAX_POINTS): Points[] {
  const n = p.step.length;
  const out: Points[] = [];
  let start = 0;
  while (start < n) {
    let end = Math.min(n, start + max);
    while (end < n && end > start + 1 && p.step[end] === p.step[end - 1] && p.ts[end] === p.ts[end - 1]) end--;
    if (end === start + 1 && end < n) {
      // One (step, timestamp) has more points than a chunk holds: keep them together.
      while (end < n && p.step[end] === p.step[start] && p.ts[end] === p.ts[start]) end++;
    }
    out.push(slice(p, start, end));
    start = end;
  }
  return out;
}
