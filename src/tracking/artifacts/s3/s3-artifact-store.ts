/**
 * Artifacts in an S3 bucket under a prefix. Keys are `prefix/path`; "directories" are key prefixes,
 * as MLflow's S3 store sees them. Uploads stream (multipart above 8 MiB), and an S3 PUT replaces an
 * object atomically, so readers never see a partial file and a failed upload keeps the old one.
 */
import type { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { invalidParam, type MwError, notFound } from "../../../core/errors.js";
import { ByteCounter } from "../../../core/fs/byte-counter.js";
import type { S3Location } from "../../../core/s3/s3-location.js";
import { isMissing, listPages, objectSize, uploadStream } from "../../../core/s3/s3-objects.js";
import type { ArtifactStore, DirectTransfer, FileInfo, PutOptions } from "../artifact-store.js";
import { normalizeArtifactPath } from "../safe-path.js";
import { s3DirectTransfer } from "./s3-direct-transfer.js";


/** An {@link ArtifactStore} over `s3://bucket/prefix`, with direct (presigned) transfers. */
export class S3ArtifactStore implements ArtifactStore, DirectTransfer {
  private readonly direct: DirectTransfer;

  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
    /** Keys per listing request (S3's maximum is 1,000; tests use less to exercise paging). */
    private readonly pageSize = 1000,
  ) {
    this.direct = s3DirectTransfer(client, location.bucket, (path) => this.fileKey(path));
  }

  createMultipartUpload(path: string, parts: number) {
    return this.direct.createMultipartUpload(path, parts);
  }

  completeMultipartUpload(
    path: string,
    uploadId: string,
    parts: { part_number: number; etag: string }[],
    max?: number,
  ) {
    return this.direct.completeMultipartUpload(path, uploadId, parts, max);
  }

  abortMultipartUpload(path: string, uploadId: string) {
    return this.direct.abortMultipartUpload(path, uploadId);
  }

  presignedDownload(path: string) {
    return this.direct.presignedDownload(path);
  }

  /** The key of a file path (validated; never the root). */
  private fileKey(path: string): string {
    const rel = normalizeArtifactPath(path);
    if (rel === "") throw invalidParam("Invalid path: a transfer must name a file");
    return this.key(rel);
  }

  /** Streams `body` to `path`; PAYLOAD_TOO_LARGE past `maxBytes` (the old object stays). */
  async put(path: string, body: NodeJS.ReadableStream | Readable, options?: PutOptions): Promise<{ size: number }> {
    const rel = normalizeArtifactPath(path);
    if (rel === "") throw invalidParam("Invalid path: an upload must name a file");
    await this.checkPlace(rel, path);
    const counter = new ByteCounter(options?.maxBytes ?? Number.POSITIVE_INFINITY, { what: "Artifact" });
    await uploadStream(this.client, this.location.bucket, this.key(rel), body, counter);
    return { size: counter.size };
  }

  /** Opens an object for streaming. */
  async get(path: string): Promise<{ stream: Readable; size: number }> {
    const rel = normalizeArtifactPath(path);
    if (rel !== "") {
      try {
        const out = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key: this.key(rel) }));
        return { stream: out.Body as Readable, size: Number(out.ContentLength ?? 0) };
      } catch (e) {
        if (!isMissing(e)) throw e;
      }
    }
    if (await this.isDir(rel)) throw this.isDirectory(path);
    throw this.missing(path);
  }

  /** Lists the direct children of `dir` by basename, sorted; a missing directory lists as []. */
  async list(dir: string): Promise<FileInfo[]> {
    const rel = normalizeArtifactPath(dir);
    const prefix = this.dirPrefix(rel);
    const out: FileInfo[] = [];
    for await (const page of listPages(this.client, this.location.bucket, prefix, "/", this.pageSize)) {
      for (const p of page.CommonPrefixes ?? []) {
        const name = (p.Prefix as string).slice(prefix.length, -1);
        if (name !== "") out.push({ path: name, is_dir: true });
      }
      for (const o of page.Contents ?? []) {
        const name = (o.Key as string).slice(prefix.length);
        // A zero-byte "folder/" marker some tools write is the folder itself, not a child.
        if (name !== "") out.push({ path: name, is_dir: false, file_size: Number(o.Size ?? 0) });
      }
    }
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Removes an object or everything under a prefix; the root itself cannot be deleted. */
  async delete(path: string): Promise<void> {
    const rel = normalizeArtifactPath(path);
    if (rel === "") throw invalidParam("Invalid path: cannot delete the artifact root");
    const keys = [this.key(rel)];
    for await (const page of listPages(
      this.client,
      this.location.bucket,
      this.dirPrefix(rel),
      undefined,
      this.pageSize,
    )) {
      for (const o of page.Contents ?? []) keys.push(o.Key as string);
    }
    for (let i = 0; i < keys.length; i += 1000) {
      const Objects = keys.slice(i, i + 1000).map((Key) => ({ Key }));
      await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.location.bucket, Delete: { Objects, Quiet: true } }),
      );
    }
  }

  /** Describes `path`, or undefined when nothing is there. */
  async stat(path: string): Promise<{ is_dir: boolean; size: number } | undefined> {
    const rel = normalizeArtifactPath(path);
    const size = rel === "" ? undefined : await objectSize(this.client, this.location.bucket, this.key(rel));
    if (size !== undefined) return { is_dir: false, size };
    return (await this.isDir(rel)) ? { is_dir: true, size: 0 } : undefined;
  }

  /** Refuse an upload over a "directory" or below a file, as the local store does. */
  private async checkPlace(rel: string, path: string): Promise<void> {
    const parts = rel.split("/");
    const parents = parts.slice(0, -1).map((_, i) => this.key(parts.slice(0, i + 1).join("/")));
    const [dir, ...files] = await Promise.all([
      this.isDir(rel),
      ...parents.map((k) => objectSize(this.client, this.location.bucket, k)),
    ]);
    if (dir) throw this.isDirectory(path);
    if (files.some((s) => s !== undefined))
      throw invalidParam(`Invalid path: a parent of ${JSON.stringify(path)} is a file`);
  }

  private async isDir(rel: string): Promise<boolean> {
    const page = await this.client.send(
      new ListObjectsV2Command({ Bucket: this.location.bucket, Prefix: this.dirPrefix(rel), MaxKeys: 1 }),
    );
    return (page.KeyCount ?? page.Contents?.length ?? 0) > 0;
  }

  private key(rel: string): string {
    return this.location.prefix === "" ? rel : `${this.location.prefix}/${rel}`;
  }

  /** The key prefix of a "directory" ("" for the bucket root without a prefix). */
  private dirPrefix(rel: string): string {
    const key = rel === "" ? this.location.prefix : this.key(rel);
    return key === "" ? "" : `${key}/`;
  }

  private missing(path: string): MwError {
    return notFound(`Artifact ${JSON.stringify(path)} does not exist`);
  }

  private isDirectory(path: string): MwError {
    return invalidParam(`Invalid path: ${JSON.stringify(path)} is a directory`);
  }
}
