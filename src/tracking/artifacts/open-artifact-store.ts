/** An artifact store from its URI (the platform and worker threads open it the same way). */

import { fileURLToPath } from "node:url";
import type { S3Client } from "@aws-sdk/client-s3";
import { invalidParam } from "../../core/errors.js";
import { isS3Uri, parseS3Uri, s3Client } from "../../core/s3/s3-location.js";
import type { ArtifactStore } from "./artifact-store.js";
import { LocalArtifactStore } from "./local/local-artifact-store.js";
import { S3ArtifactStore } from "./s3/s3-artifact-store.js";

/** An artifact store from a URI: a folder path, `file://` URI or `s3://bucket/prefix`. */
export function openArtifactStore(uri: string, s3?: S3Client): ArtifactStore {
  if (uri.startsWith("file://")) return new LocalArtifactStore(fileURLToPath(uri));
  if (isS3Uri(uri)) return new S3ArtifactStore(s3 ?? s3Client({}), parseS3Uri(uri));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri))
    throw invalidParam(`Unsupported artifact URI '${uri}': expected a folder, file:// or s3:// URI.`);
  return new LocalArtifactStore(uri);
}
