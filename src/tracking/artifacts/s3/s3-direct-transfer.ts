/**
 * Multipart uploads and downloads straight to S3 with presigned URLs (MLflow's `mpu/*` and
 * `presigned/*` proxied routes): large model files skip the server, which only signs and assembles.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { invalidParam, MwError, notFound } from "../../../core/errors.js";
import { objectSize } from "../../../core/s3/s3-objects.js";
import type { DirectTransfer, UploadPartUrl } from "../artifact-store.js";

/** Presigned URLs live this long (MLflow's default for its presigned URLs is 15 min). */
const EXPIRES_S = 15 * 60;
/** S3's own limit on parts per upload. */
const MAX_PARTS = 10_000;

/** Direct transfers for the objects of one bucket; `keyOf` maps a client path to its key. */
export function s3DirectTransfer(client: S3Client, bucket: string, keyOf: (path: string) => string): DirectTransfer {
  return {
    async createMultipartUpload(path, parts) {
      if (!Number.isInteger(parts) || parts < 1 || parts > MAX_PARTS)
        throw invalidParam(`Invalid value for num_parts: expected an integer from 1 to ${MAX_PARTS}, got ${parts}.`);
      const Key = keyOf(path);
      const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key }));
      const UploadId = created.UploadId as string;
      const credentials: UploadPartUrl[] = [];
      for (let n = 1; n <= parts; n++) {
        const cmd = new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: n });
        credentials.push({
          part_number: n,
          url: await getSignedUrl(client, cmd, { expiresIn: EXPIRES_S }),
          headers: {},
        });
      }
      return { upload_id: UploadId, credentials };
    },
    async completeMultipartUpload(path, uploadId, parts, maxBytes) {
      if (parts.length === 0) throw invalidParam("Invalid value for parts: expected at least one part.");
      const Key = keyOf(path);
      const sorted = [...parts].sort((a, b) => a.part_number - b.part_number);
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key,
          UploadId: uploadId,
          MultipartUpload: { Parts: sorted.map((p) => ({ PartNumber: p.part_number, ETag: p.etag })) },
        }),
      );
      const size = await objectSize(client, bucket, Key);
      if (maxBytes !== undefined && size !== undefined && size > maxBytes) {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
        throw new MwError("PAYLOAD_TOO_LARGE", `Upload of ${size} bytes exceeds the limit of ${maxBytes}.`);
      }
    },
    async abortMultipartUpload(path, uploadId) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: keyOf(path), UploadId: uploadId }));
    },
    async presignedDownload(path) {
      const Key = keyOf(path);
      const size = await objectSize(client, bucket, Key);
      if (size === undefined) throw notFound(`Artifact ${JSON.stringify(path)} does not exist`);
      const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key }), { expiresIn: EXPIRES_S });
      return { url, headers: {}, file_size: size };
    },
  };
}
