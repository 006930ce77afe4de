/**
 * Dataset objects in an S3 bucket, keyed `prefix/sha256/ab/cdef...` like the local layout. Bytes are
 * staged (and hashed) in a local folder first, so callers can parse and profile them; commit uploads
 * the staged file unless an object with that digest is already there.
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { invalidParam, MwError, notFound } from "../../../core/errors.js";
import { ByteCounter } from "../../../core/fs/byte-counter.js";
import type { S3Location } from "../../../core/s3/s3-location.js";
import { isMissing, objectSize, uploadStream } from "../../../core/s3/s3-objects.js";
import { LocalObjectStore } from "../local/local-object-store.js";
import type { ByteSource, ObjectStore, StagedObject, StageOptions } from "../object-store.js";
import { isSha256 } from "../object-store.js";

/** An {@link ObjectStore} over `s3://bucket/prefix`, staging in `stagingDir`. */
export class S3ObjectStore implements ObjectStore {
  private readonly staging: LocalObjectStore;

  constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
    stagingDir: string,
  ) {
    this.staging = new LocalObjectStore(stagingDir);
  }

  /** The object's key in the bucket. */
  keyOf(digest: string): string {
    if (!isSha256(digest)) throw invalidParam(`Invalid object digest '${digest}': expected 64 hex characters.`);
    const key = `sha256/${digest.slice(0, 2)}/${digest.slice(2)}`;
    return this.location.prefix === "" ? key : `${this.location.prefix}/${key}`;
  }

  async stage(source: ByteSource, options?: StageOptions): Promise<StagedObject> {
    const local = await this.staging.stage(source, options);
    let done = false;
    return {
      digest: local.digest,
      size: local.size,
      path: local.path,
      commit: async () => {
        if (done) throw new MwError("INVALID_STATE", "Staged object was already committed or discarded.");
        done = true;
        try {
          return await this.upload(local.path, local.digest);
        } finally {
          await local.discard();
        }
      },
      discard: async () => {
        done = true;
        await local.discard();
      },
    };
  }

  async put(source: ByteSource, options?: StageOptions) {
    const staged = await this.stage(source, options);
    const { created } = await staged.commit();
    return { digest: staged.digest, size: staged.size, created };
  }

  async has(digest: string): Promise<boolean> {
    return (await objectSize(this.client, this.location.bucket, this.keyOf(digest))) !== undefined;
  }

  async open(digest: string): Promise<{ stream: Readable; size: number }> {
    const Key = this.keyOf(digest);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.location.bucket, Key }));
      return { stream: out.Body as Readable, size: Number(out.ContentLength ?? 0) };
    } catch (e) {
      if (isMissing(e)) throw notFound(`No stored object with digest ${digest}.`);
      throw e;
    }
  }

  uri(digest: string): string {
    return `s3://${this.location.bucket}/${this.keyOf(digest)}`;
  }

  private async upload(path: string, digest: string): Promise<{ created: boolean }> {
    if (await this.has(digest)) return { created: false };
    const counter = new ByteCounter(Number.POSITIVE_INFINITY);
    await uploadStream(this.client, this.location.bucket, this.keyOf(digest), createReadStream(path), counter);
    return { created: true };
  }
}
