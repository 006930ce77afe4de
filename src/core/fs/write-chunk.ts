/** Backpressure-aware writes to a Node stream. */
import { once } from "node:events";
import type { Writable } from "node:stream";

/** Write `chunk` and wait for `drain` when the stream's buffer is full, so memory stays bounded. */
export async function writeChunk(out: Writable, chunk: string | Uint8Array): Promise<void> {
  // A stream that already failed never drains: report its error instead of waiting forever.
  if (out.destroyed) throw out.errored ?? new Error("the output stream is closed");
  if (!out.write(chunk)) await once(out, "drain");
}
