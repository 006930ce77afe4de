/** The dataset object store from its URI (the platform and worker threads open it the same way). */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { S3Client } from "@aws-sdk/client-s3";
import { invalidParam } from "../../core/errors.js";
import { isS3Uri, parseS3Uri, s3Client } from "../../core/s3/s3-location.js";
import { LocalObjectStore } from "./local/local-object-store.js";
import type { ObjectStore } from "./object-store.js";
import { S3ObjectStore } from "./s3/s3-object-store.js";

/** The dataset object store: a folder or `s3://bucket/prefix` (staging under `HOME/objects-staging`). */
export function openObjectStore(uri: string, home: string, s3?: S3Client): ObjectStore {
  if (isS3Uri(uri)) return new S3ObjectStore(s3 ?? s3Client({}), parseS3Uri(uri), join(home, "objects-staging"));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith("file://"))
    throw invalidParam(`Unsupported object store URI '${uri}': expected a folder, file:// or s3:// URI.`);
  return new LocalObjectStore(uri.startsWith("file://") ? fileURLToPath(uri) : uri);
}
