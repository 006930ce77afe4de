/**
 * The storage contract behind the proxied artifact API (`/mlflow-artifacts/artifacts`) and the
 * tracking API's `artifacts/list`. Paths are relative to the store's destination root.
 */
import type { Readable } from "node:stream";
import { invalidParam } from "../../core/errors.js";
import { normalizeArtifactPath } from "./safe-path.js";

/** One listing entry, as MLflow serializes it (`file_size` is absent for directories). */
export interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

/** Options for {@link ArtifactStore.put}. */
export interface PutOptions {
  /** Refuse (PAYLOAD_TOO_LARGE) and keep any previous file when the body is longer than this. */
  maxBytes?: number;
}

/** Where artifacts live: a local folder now, object stores later. All paths are client paths. */
export interface ArtifactStore {
  /** Stores a file atomically from a stream; parents are created; returns the byte count. */
  put(path: string, body: NodeJS.ReadableStream | Readable, options?: PutOptions): Promise<{ size: number }>;
  /** Opens a file for streaming; RESOURCE_DOES_NOT_EXIST if missing, INVALID_PARAMETER_VALUE if a directory. */
  get(path: string): Promise<{ stream: Readable; size: number }>;
  /** Lists a directory's direct children by basename, sorted; a missing directory lists as []. */
  list(dir: string): Promise<FileInfo[]>;
  /** Deletes a file or a whole directory; a missing path is not an error. */
  delete(path: string): Promise<void>;
  /** Describes a path, or undefined when nothing is there. */
  stat(path: string): Promise<{ is_dir: boolean; size: number } | undefined>;
}

/** One part of a multipart upload the client sends straight to the object store. */
export interface UploadPartUrl {
  part_number: number;
  url: string;
  headers: Record<string, string>;
}

/**
 * What object stores add (S3): multipart uploads and downloads the client makes directly, with
 * short-lived presigned URLs, as MLflow's proxied artifact server offers for large files.
 */
export interface DirectTransfer {
  createMultipartUpload(path: string, parts: number): Promise<{ upload_id: string; credentials: UploadPartUrl[] }>;
  /** Assemble the parts; refuses (and deletes the object) past `maxBytes`. */
  completeMultipartUpload(
    path: string,
    uploadId: string,
    parts: { part_number: number; etag: string }[],
    maxBytes?: number,
  ): Promise<void>;
  abortMultipartUpload(path: string, uploadId: string): Promise<void>;
  presignedDownload(path: string): Promise<{ url: string; headers: Record<string, string>; file_size: number }>;
}

/** The store's direct transfers, when it has them. */
export function directTransferOf(store: ArtifactStore): DirectTransfer | undefined {
  const s = store as ArtifactStore & Partial<DirectTransfer>;
  return typeof s.createMultipartUpload === "function" ? (s as ArtifactStore & DirectTransfer) : undefined;
}

/**
 * Lists `dir` with paths relative to `base` (e.g. a run's artifact root), as the tracking API's
 * `artifacts/list` returns them: listing "1/r/artifacts/model" from base "1/r/artifacts" gives "model/MLmodel".
 */
export async function listRelative(store: ArtifactStore, dir: string, base: string): Promise<FileInfo[]> {
  const d = normalizeArtifactPath(dir);
  const b = normalizeArtifactPath(base);
  let prefix: string;
  if (d === b) prefix = "";
  else if (b === "") prefix = `${d}/`;
  else if (d.startsWith(`${b}/`)) prefix = `${d.slice(b.length + 1)}/`;
  else throw invalidParam(`Invalid path: ${JSON.stringify(dir)} is not under ${JSON.stringify(base)}`);
  const files = await store.list(d);
  return files.map((f) => ({ ...f, path: prefix + f.path }));
}
