/** Parquet bytes read by range, from memory or from an open file, so a reader holds one column chunk at a time. */
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import type { AsyncBuffer } from "hyparquet";

/** A file's bytes by range. */
export interface ByteSource {
  readonly size: number;
  /**
   * Bytes [offset, offset + length). With `reuse`, the result may be a buffer the next reusing
   * read overwrites (for data decoded before the next read); without, it is the caller's own.
   */
  read(offset: number, length: number, reuse?: boolean): Promise<Uint8Array>;
  close(): Promise<void>;
}

function checkRange(size: number, offset: number, length: number): void {
  if (!(offset >= 0 && length >= 0 && offset + length <= size)) {
    throw new Error(`byte range ${offset}+${length} lies outside the file (${size} bytes)`);
  }
}

/** Bytes already in memory (reads are views, never copies). */
export function bufferSource(buf: Uint8Array): ByteSource {
  return {
    size: buf.length,
    read: async (offset, length) => {
      checkRange(buf.length, offset, length);
      return buf.subarray(offset, offset + length);
    },
    close: async () => {},
  };
}

/** An open file; reads with `reuse` share one growing buffer. */
export async function fileSource(path: string): Promise<ByteSource> {
  const fh: FileHandle = await open(path, "r");
  try {
    const { size } = await fh.stat();
    let shared = Buffer.alloc(0);
    return {
      size,
      read: async (offset, length, reuse = false) => {
        checkRange(size, offset, length);
        if (reuse && shared.length < length) shared = Buffer.allocUnsafe(Math.max(length, shared.length * 2));
        const out = reuse ? shared.subarray(0, length) : Buffer.allocUnsafe(length);
        let done = 0;
        while (done < length) {
          const { bytesRead } = await fh.read(out, done, length - done, offset + done);
          if (bytesRead === 0) throw new Error("the file ended early (was it changed while being read?)");
          done += bytesRead;
        }
        return out;
      },
      close: () => fh.close(),
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

/** The source as hyparquet's AsyncBuffer (each slice its own ArrayBuffer). */
export function asAsyncBuffer(source: ByteSource): AsyncBuffer {
  return {
    byteLength: source.size,
    slice: async (start, end) => {
      const bytes = await source.read(start, (end ?? source.size) - start);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}
