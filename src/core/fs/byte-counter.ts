/** Stream plumbing for durable file writes: a byte counter with a limit, and fsync of a path. */
import { createHash, type Hash } from "node:crypto";
import { open } from "node:fs/promises";
import { Transform, type TransformCallback } from "node:stream";
import { MwError } from "../errors.js";

/**
 * Counts (and optionally SHA-256 hashes) the bytes on their way through; fails with
 * PAYLOAD_TOO_LARGE once more than `maxBytes` have passed.
 */
export class ByteCounter extends Transform {
  size = 0;
  readonly hash: Hash | undefined;

  constructor(
    private readonly maxBytes: number,
    options: { sha256?: boolean; what?: string } = {},
  ) {
    super();
    this.hash = options.sha256 ? createHash("sha256") : undefined;
    this.what = options.what ?? "Upload";
  }

  private readonly what: string;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      done(new MwError("PAYLOAD_TOO_LARGE", `${this.what} exceeds the limit of ${this.maxBytes} bytes`));
      return;
    }
    this.hash?.update(chunk);
    done(null, chunk);
  }
}

/** fsync a file or folder (a folder, to make a rename durable); best effort where folders can't be opened. */
export async function syncPath(path: string): Promise<void> {
  try {
    const handle = await open(path, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {}
}
