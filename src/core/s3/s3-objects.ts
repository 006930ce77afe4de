/** Small S3 operations the stores share: streamed upload, size, paged listing, "not found". */
import type { Readable } from "node:stream";
import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ListObjectsV2CommandOutput, S3Client } from "@aws-sdk/client-s3";
import { HeadObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { ByteCounter } from "../fs/byte-counter.js";

const PART_BYTES = 8 * 1024 * 1024;

/**
 * Stream `body` through `counter` into one object (multipart above 8 MiB, two parts in flight);
 * any failure aborts the upload, so nothing partial becomes visible.
 */
export async function uploadStream(
  client: S3Client,
  bucket: string,
  key: string,
  body: NodeJS.ReadableStream | Readable | AsyncIterable<Uint8Array>,
  counter: ByteCounter,
): Promise<void> {
  const pass = new PassThrough({ highWaterMark: 1024 * 1024 });
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: pass },
    partSize: PART_BYTES,
    queueSize: 2,
    leavePartsOnError: false,
  });
  const feeding = pipeline(body as AsyncIterable<Uint8Array>, counter, pass);
  const results = await Promise.allSettled([feeding, upload.done()]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (!failed) return;
  await upload.abort().catch(() => {});
  // The source's own error (a client that went away, the size limit) says more than the SDK's;
  // but when the upload failed first (no such bucket, the server gone) the source only reports
  // that it was aborted, and the upload's error is the one that says why.
  const [source, sdk] = results.map((r) => (r.status === "rejected" ? (r.reason as unknown) : undefined));
  throw source === undefined || (isAbort(source) && sdk !== undefined) ? sdk : source;
}

function isAbort(e: unknown): boolean {
  const err = e as { name?: string; code?: string } | undefined;
  return err?.name === "AbortError" || err?.code === "ABORT_ERR";
}

/** The size of an object, or undefined when there is none. */
export async function objectSize(client: S3Client, bucket: string, key: string): Promise<number | undefined> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return Number(head.ContentLength ?? 0);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw e;
  }
}

/** Every page of a listing (`pageSize` keys a page), following continuation tokens. */
export async function* listPages(
  client: S3Client,
  bucket: string,
  prefix: string,
  delimiter?: string,
  pageSize = 1000,
): AsyncGenerator<ListObjectsV2CommandOutput> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        MaxKeys: pageSize,
        ...(delimiter ? { Delimiter: delimiter } : {}),
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    yield page;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** NoSuchKey / NotFound / 404 from the SDK. */
export function isMissing(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return err?.name === "NoSuchKey" || err?.name === "NotFound" || err?.$metadata?.httpStatusCode === 404;
}
