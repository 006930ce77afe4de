/**
 * Protocol Buffers wire format, the small part ONNX files need: a writer (varints, fixed32/64,
 * length-delimited fields, packed lists) and a reader that walks a message's fields. Field
 * contents are decoded by the caller, who knows the schema.
 */

/** Wire types of the protobuf encoding. */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

/** A message being written; nested messages are written into their own writer first. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.len;
  }

  /** An int64/int32/enum/bool field (negative numbers as ten-byte two's complement, as protobuf does). */
  int(field: number, value: number | bigint): this {
    this.tag(field, WIRE.varint);
    this.varint(value);
    return this;
  }

  /** A float field (fixed32, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, WIRE.fixed32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A bytes field, or an already encoded sub-message. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE.bytes);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  /** A sub-message written by `write`. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated varint field (int64s, int32s, enums). */
  packedInts(field: number, values: ArrayLike<number>): this {
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.varint(values[i] as number);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    const out = new Uint8Array(values.length * 4);
    const view = new DataView(out.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
    return this.bytes(field, out);
  }

  /** A packed repeated double field. */
  packedDoubles(field: number, values: ArrayLike<number>): this {
    const out = new Uint8Array(values.length * 8);
    const view = new DataView(out.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i] as number, true);
    return this.bytes(field, out);
  }

  /** Bytes as they are (e.g. fields copied from another message). */
  raw(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    return this;
  }

  /** The encoded message. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  private varint(value: number | bigint): void {
    if (typeof value === "number" && value >= 0 && value <= Number.MAX_SAFE_INTEGER) {
      this.reserve(10);
      let v = value;
      while (v >= 0x80) {
        this.buf[this.len++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
      this.buf[this.len++] = v;
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/** One field of a message as read: its number, wire type, and value or byte range. */
export interface ProtoField {
  readonly field: number;
  readonly wire: number;
  /** varint and fixed fields: the value (int64 beyond ±2^53 loses precision). */
  readonly value: number;
  /** Length-delimited fields: the contents. */
  readonly bytes: Uint8Array;
  /** Where the whole field (tag included) starts and ends in the buffer that was read. */
  readonly start: number;
  readonly end: number;
}

/** A malformed or truncated message; `offset` is where reading failed. */
export class ProtoError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const EMPTY = new Uint8Array(0);

/** The fields of the message in `buf` in order; throws {@link ProtoError} on malformed input. */
export function* protoFields(buf: Uint8Array): Generator<ProtoField> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  while (at < buf.length) {
    const start = at;
    const [key, afterKey] = readVarint(buf, at);
    at = afterKey;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) throw new ProtoError("field number 0", start);
    if (wire === WIRE.varint) {
      const [value, next] = readVarint(buf, at);
      at = next;
      yield { field, wire, value, bytes: EMPTY, start, end: at };
    } else if (wire === WIRE.fixed64) {
      need(buf, at, 8);
      yield { field, wire, value: view.getFloat64(at, true), bytes: buf.subarray(at, at + 8), start, end: at + 8 };
      at += 8;
    } else if (wire === WIRE.fixed32) {
      need(buf, at, 4);
      yield { field, wire, value: view.getFloat32(at, true), bytes: buf.subarray(at, at + 4), start, end: at + 4 };
      at += 4;
    } else if (wire === WIRE.bytes) {
      const [len, next] = readVarint(buf, at);
      need(buf, next, len);
      at = next + len;
      yield { field, wire, value: len, bytes: buf.subarray(next, at), start, end: at };
    } else {
      throw new ProtoError(`unsupported wire type ${wire}`, start);
    }
  }
}

/** A varint at `at`: its value (int64 two's complement made negative) and the offset after it. */
export function readVarint(buf: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  // Up to 7 bytes (49 bits) sum exactly in a double; longer ones (negative int64s) go through BigInt.
  for (let i = 0; i < 7; i++) {
    if (at + i >= buf.length) throw new ProtoError("a number runs past the end", at);
    const b = buf[at + i] as number;
    value += (b & 0x7f) * scale;
    scale *= 0x80;
    if (b < 0x80) return [value, at + i + 1];
  }
  let big = BigInt(value);
  for (let i = 7; i < 10; i++) {
    if (at + i >= buf.length) throw new ProtoError("a number runs past the end", at);
    const b = buf[at + i] as number;
    big |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return [Number(BigInt.asIntN(64, big)), at + i + 1];
  }
  throw new ProtoError("varint longer than 10 bytes", at);
}

/** Repeated varints, packed (one bytes field) or not (one varint field each). */
export function varintList(f: ProtoField): number[] {
  if (f.wire === WIRE.varint) return [f.value];
  const out: number[] = [];
  let at = 0;
  while (at < f.bytes.length) {
    const [v, next] = readVarint(f.bytes, at);
    out.push(v);
    at = next;
  }
  return out;
}

/** Repeated floats (fixed32) or doubles (fixed64), packed or not. */
export function fixedList(f: ProtoField, size: 4 | 8): number[] {
  if (f.wire !== WIRE.bytes) return [f.value];
  if (f.bytes.length % size !== 0) throw new ProtoError(`packed list of ${f.bytes.length} bytes`, f.start);
  const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  const out: number[] = [];
  for (let at = 0; at < f.bytes.length; at += size)
    out.push(size === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true));
  return out;
}

/** A length-delimited field as UTF-8 text. */
export function text(f: ProtoField): string {
  return new TextDecoder().decode(f.bytes);
}

function need(buf: Uint8Array, at: number, n: number): void {
  if (at + n > buf.length)
    throw new ProtoError(`a ${n}-byte field runs past the end (${buf.length - at} bytes left)`, at);
}
