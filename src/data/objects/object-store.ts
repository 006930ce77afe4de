/**
 * Content-addressed storage for immutable dataset snapshots: a blob's key is the SHA-256 of its
 * bytes, so identical bytes are stored once. Writes go through a staging step so callers can
 * inspect the bytes (parse, profile) before anything becomes visible.
 */
import type { Readable } from "node:stream";

/** A byte source: a Node stream or any async iterable of chunks. */
export type ByteSource = Readable | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** Bytes streamed into staging and hashed, not yet part of the store. */
export interface StagedObject {
  /** Lower-case hex SHA-256 of the bytes. */
  readonly digest: string;
  readonly size: number;
  /** A local file holding the bytes, readable until commit or discard. */
  readonly path: string;
  /** Make the object permanent; `created` is false when the digest was already stored. */
  commit(): Promise<{ created: boolean }>;
  /** Drop the staged bytes (idempotent). */
  discard(): Promise<void>;
}

export interface StageOptions {
  /** File name suffix for the staged file (e.g. `.csv`), so readers can sniff the format. */
  suffix?: string;
  /** Fail with PAYLOAD_TOO_LARGE past this many bytes. */
  maxBytes?: number;
}

/** A content-addressed object store (local folder today, S3 later). */
export interface ObjectStore {
  /** Stream bytes into staging while hashing them. */
  stage(source: ByteSource, options?: StageOptions): Promise<StagedObject>;
  /** Stage and commit in one step. */
  put(source: ByteSource, options?: StageOptions): Promise<{ digest: string; size: number; created: boolean }>;
  /** True when an object with this digest is stored. */
  has(digest: string): Promise<boolean>;
  /** Open a stored object for streaming; RESOURCE_DOES_NOT_EXIST when missing. */
  open(digest: string): Promise<{ stream: Readable; size: number }>;
  /** Where the object lives, as a URI (for lineage and humans). */
  uri(digest: string): string;
}

/** True for a lower-case hex SHA-256 digest. */
export function isSha256(digest: string): boolean {
  return /^[0-9a-f]{64}$/.test(digest);
}
