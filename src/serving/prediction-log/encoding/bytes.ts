/**
 * Growable byte output and a cursor over byte input, with unsigned varints (7 bits a byte, low
 * bits first) for values up to 2^53: numbers stay JS numbers, so the arithmetic avoids 32-bit
 * bit operations.
 */

const TWO_POW_53 = 2 ** 53;

/** Bytes written one value at a time into a reused buffer. */
export class ByteWriter {
  private buf = Buffer.allocUnsafe(256);
  private at = 0;

  /** Start a new value (the buffer is kept). */
  reset(): void {
    this.at = 0;
  }

  get length(): number {
    return this.at;
  }

  /** An unsigned integer below 2^53. */
  varint(n: number): void {
    if (!(n >= 0 && n < TWO_POW_53) || !Number.isInteger(n)) throw new RangeError(`varint out of range: ${n}`);
    this.room(8);
    while (n >= 128) {
      this.buf[this.at++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.at++] = n;
  }

  float64(v: number): void {
    this.room(8);
    this.buf.writeDoubleLE(v, this.at);
    this.at += 8;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  /** A string's UTF-8 bytes prefixed with their count, as `prefix(count)` encodes it. */
  text(s: string, prefix: (byteCount: number) => void): void {
    const n = Buffer.byteLength(s, "utf8");
    prefix(n);
    this.room(n);
    this.buf.write(s, this.at, "utf8");
    this.at += n;
  }

  /** A copy of the bytes written since the last reset. */
  copy(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.at));
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
}

/** A cursor over stored bytes; reading past the end throws. */
export class ByteReader {
  private at = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.at >= this.buf.length;
  }

  varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 127) * scale;
      if (b < 128) return n;
      scale *= 128;
      if (scale > TWO_POW_53) throw new RangeError("varint too long");
    }
  }

  float64(): number {
    this.need(8);
    const v = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.at, 8).readDoubleLE(0);
    this.at += 8;
    return v;
  }

  /** `n` bytes as UTF-8 text. */
  text(n: number): string {
    this.need(n);
    const s = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.at, n).toString("utf8");
    this.at += n;
    return s;
  }

  /** Everything not read yet as UTF-8 text. */
  rest(): string {
    return this.text(this.buf.length - this.at);
  }

  private byte(): number {
    this.need(1);
    return this.buf[this.at++] as number;
  }

  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new RangeError("truncated log data");
  }
}
