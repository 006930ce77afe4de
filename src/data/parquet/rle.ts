/**
 * Parquet's RLE / bit-packing hybrid: definition levels, dictionary indices and RLE booleans.
 * A run is either one value repeated (header even) or groups of 8 bit-packed values (header odd).
 */

/** Where decoding stopped: the byte after the last run read. */
export type HybridEnd = number;

/**
 * Decode `count` values of `width` bits from bytes [pos, end) into `out` from index `at`;
 * returns the position after the last run read.
 */
export function decodeHybrid(
  buf: Uint8Array,
  pos: number,
  end: number,
  width: number,
  out: Uint8Array | Int32Array,
  at: number,
  count: number,
): HybridEnd {
  if (width < 0 || width > 32) throw new Error(`bit width ${width} is out of range`);
  const stop = at + count;
  while (at < stop) {
    let header = 0;
    let shift = 1;
    for (;;) {
      if (pos >= end) throw new Error("RLE data ends before all values were read");
      const b = buf[pos++] as number;
      header += (b & 0x7f) * shift;
      if (b < 0x80) break;
      shift *= 128;
    }
    if (header % 2 === 0) {
      const run = header / 2;
      const bytes = (width + 7) >> 3;
      if (pos + bytes > end) throw new Error("RLE run ends past its page");
      let value = 0;
      for (let i = 0; i < bytes; i++) value += (buf[pos + i] as number) * 2 ** (8 * i);
      pos += bytes;
      const n = Math.min(run, stop - at);
      out.fill(value, at, at + n);
      at += n;
    } else {
      const values = ((header - 1) / 2) * 8;
      const n = Math.min(values, stop - at);
      const needed = Math.ceil((n * width) / 8);
      if (pos + needed > end) throw new Error("bit-packed run ends past its page");
      unpack(buf, pos, width, out, at, n);
      at += n;
      pos = Math.min(end, pos + (values * width) / 8);
    }
  }
  return pos;
}

/** Unpack `n` little-endian bit-packed values of `width` bits starting at byte `pos`. */
function unpack(
  buf: Uint8Array,
  pos: number,
  width: number,
  out: Uint8Array | Int32Array,
  at: number,
  n: number,
): void {
  if (width === 0) {
    out.fill(0, at, at + n);
    return;
  }
  if (width === 1) {
    for (let i = 0; i < n; i++) out[at + i] = ((buf[pos + (i >> 3)] as number) >> (i & 7)) & 1;
    return;
  }
  if (width <= 24) {
    // An accumulator of at most 31 bits: up to 7 left over plus one byte per refill.
    const mask = (1 << width) - 1;
    let acc = 0;
    let bits = 0;
    for (let i = 0; i < n; i++) {
      while (bits < width) {
        acc |= (buf[pos++] as number) << bits;
        bits += 8;
      }
      out[at + i] = acc & mask;
      acc >>>= width;
      bits -= width;
    }
    return;
  }
  // Wide values (rare: dictionaries beyond 16M entries) read bit by bit position in doubles.
  for (let i = 0; i < n; i++) {
    const bit = i * width;
    let v = 0;
    for (let k = 0; k < width; k++) {
      const b = bit + k;
      v += (((buf[pos + Math.floor(b / 8)] as number) >> (b % 8)) & 1) * 2 ** k;
    }
    out[at + i] = v;
  }
}
