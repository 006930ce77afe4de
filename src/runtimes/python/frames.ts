/**
 * The frames Node and the Python worker (worker.py) exchange over stdin/stdout: u32 LE payload length,
 * then the payload: u32 LE header length, a JSON header, zero padding to a multiple of 8 bytes from the
 * payload start, then a binary body (columns of a batch going out, float64 scores coming back).
 */

/** One column on the wire: float64 (numbers, booleans 0/1, timestamps in ms; NaN = missing) or dictionary codes. */
export type WireColumn =
  | { name: string; type: "f" | "b" | "t"; values: Float64Array }
  | { name: string; type: "s"; codes: Int32Array; dictionary: readonly string[] };

/** A batch of rows in the model's input order. */
export interface WireBatch {
  rows: number;
  columns: WireColumn[];
}

/** A decoded frame: its JSON header and the bytes after it. */
export interface Frame {
  header: Record<string, unknown>;
  body: Buffer;
}

const pad8 = (n: number) => (n + 7) & ~7;

/** One frame from a header and body parts. */
export function encodeFrame(header: unknown, parts: readonly ArrayBufferView[] = []): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const start = pad8(4 + json.length);
  let bodyLength = 0;
  for (const p of parts) bodyLength += pad8(p.byteLength);
  const out = Buffer.alloc(4 + start + bodyLength);
  out.writeUInt32LE(start + bodyLength, 0);
  out.writeUInt32LE(json.length, 4);
  json.copy(out, 8);
  let at = 4 + start;
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += pad8(p.byteLength);
  }
  return out;
}

/** The predict frame of a batch. */
export function encodeBatch(batch: WireBatch): Buffer {
  const cols = batch.columns.map((c) =>
    c.type === "s" ? { n: c.name, t: c.type, dict: c.dictionary } : { n: c.name, t: c.type },
  );
  const parts = batch.columns.map((c) => (c.type === "s" ? c.codes : c.values));
  return encodeFrame({ op: "predict", rows: batch.rows, cols }, parts);
}

/** Batches end to end, column by column (string dictionaries merged). All share the same column names. */
export function concatBatches(batches: readonly WireBatch[]): WireBatch {
  if (batches.length === 1) return batches[0] as WireBatch;
  const rows = batches.reduce((n, b) => n + b.rows, 0);
  const first = batches[0] as WireBatch;
  const columns = first.columns.map((c, j): WireColumn => {
    const parts = batches.map((b) => b.columns[j] as WireColumn);
    if (c.type !== "s") {
      const values = new Float64Array(rows);
      let at = 0;
      for (const p of parts as Array<WireColumn & { values: Float64Array }>) {
        values.set(p.values, at);
        at += p.values.length;
      }
      return { name: c.name, type: c.type, values };
    }
    return concatStrings(c.name, parts as Array<WireColumn & { type: "s" }>, rows);
  });
  return { rows, columns };
}

function concatStrings(name: string, parts: Array<WireColumn & { type: "s" }>, rows: number): WireColumn {
  const index = new Map<string, number>();
  const codes = new Int32Array(rows);
  let at = 0;
  for (const p of parts) {
    const remap = p.dictionary.map((s) => {
      let k = index.get(s);
      if (k === undefined) {
        k = index.size;
        index.set(s, k);
      }
      return k;
    });
    for (let i = 0; i < p.codes.length; i++) {
      const code = p.codes[i] as number;
      codes[at++] = code < 0 ? -1 : (remap[code] as number);
    }
  }
  return { name, type: "s", codes, dictionary: [...index.keys()] };
}

/** Splits a byte stream into frames. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Add bytes; returns the frames now complete. */
  push(chunk: Buffer): Frame[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Frame[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.peek(4);
      const length = head.readUInt32LE(0);
      if (this.buffered < 4 + length) break;
      const payload = this.take(4 + length).subarray(4);
      const headerLength = payload.readUInt32LE(0);
      const header = JSON.parse(payload.toString("utf8", 4, 4 + headerLength)) as Record<string, unknown>;
      frames.push({ header, body: payload.subarray(pad8(4 + headerLength)) });
    }
    return frames;
  }

  private peek(n: number): Buffer {
    if ((this.chunks[0] as Buffer).length < n) this.chunks = [Buffer.concat(this.chunks)];
    return (this.chunks[0] as Buffer).subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    this.chunks = all.length > n ? [all.subarray(n)] : [];
    this.buffered -= n;
    return all.subarray(0, n);
  }
}

/** The float64 scores of a predict reply body (copied: the body's offset need not be 8-aligned). */
export function scoresOf(body: Buffer, count: number): Float64Array {
  if (body.byteLength < count * 8) throw new Error(`reply body has ${body.byteLength} bytes, expected ${count * 8}`);
  const out = new Float64Array(count);
  new Uint8Array(out.buffer).set(body.subarray(0, count * 8));
  return out;
}
