/**
 * Page decompression. Gzip is node:zlib (native, and it reads concatenated gzip members);
 * snappy is hyparquet-compressors' WebAssembly build (about twice as fast as a JS decoder, even
 * with the copy out of wasm memory); zstd, Brotli and LZ4, which node:zlib in Node 20 lacks, are
 * hyparquet-compressors' decoders, zstd into a scratch buffer reused from page to page (the
 * decoder copies values out before the next page). LZO, which nothing here reads, is refused by
 * {@link isReadableCodec} before any page is decoded.
 */
import { gunzipSync } from "node:zlib";
import type { CompressionCodec } from "hyparquet";
import { compressors, decompressBrotli, decompressLz4, decompressLz4Raw, decompressZstd } from "hyparquet-compressors";

/** Decompress `input` to exactly `size` bytes; the result may be a reused scratch buffer. */
export type Decompress = (input: Uint8Array, size: number) => Uint8Array;

/** Codecs a column chunk may use. */
export const READABLE_CODECS: readonly CompressionCodec[] = [
  "UNCOMPRESSED",
  "SNAPPY",
  "GZIP",
  "ZSTD",
  "BROTLI",
  "LZ4",
  "LZ4_RAW",
];

/** True when {@link decompressor} reads `codec`. */
export function isReadableCodec(codec: CompressionCodec): boolean {
  return READABLE_CODECS.includes(codec);
}

/** A decompressor for `codec` with its own scratch buffer; throws for a codec {@link isReadableCodec} refuses. */
export function decompressor(codec: CompressionCodec): Decompress {
  let scratch = new Uint8Array(0);
  const out = (size: number) => {
    if (scratch.length < size) scratch = new Uint8Array(Math.max(size, scratch.length * 2));
    return scratch.subarray(0, size);
  };
  const checked = (run: Decompress): Decompress => {
    return (input, size) => {
      const page = run(input, size);
      if (page.length !== size) throw new Error(`page decompressed to ${page.length} bytes, its header says ${size}`);
      return page;
    };
  };
  switch (codec) {
    case "UNCOMPRESSED":
      return checked((input) => input);
    case "SNAPPY": {
      const snappy = compressors.SNAPPY;
      if (!snappy) throw new Error("hyparquet-compressors lacks its snappy decoder");
      return checked(snappy);
    }
    case "GZIP":
      // A page one byte longer than its header says is caught by `checked`, not read in full.
      return checked((input, size) => gunzipSync(input, { maxOutputLength: Math.max(size + 1, 1) }));
    case "ZSTD":
      return checked((input, size) => decompressZstd(input, out(size)));
    case "BROTLI":
      return checked(decompressBrotli);
    case "LZ4":
      return checked(decompressLz4);
    case "LZ4_RAW":
      return checked(decompressLz4Raw);
    default:
      throw new Error(`no decompressor for ${codec}`);
  }
}
