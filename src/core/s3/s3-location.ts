/** S3 locations (`s3://bucket/prefix`) and the client settings read once at the edge. */
import { S3Client } from "@aws-sdk/client-s3";
import { invalidParam } from "../errors.js";

/** A bucket and a key prefix ("" or ending without a slash). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/** How to reach the S3-compatible service; undefined fields fall back to the SDK's defaults. */
export interface S3Settings {
  region?: string;
  /** MinIO, Ceph, R2, ...: `http://127.0.0.1:9000`. */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible servers need. */
  forcePathStyle?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Attempts per request, the first included (throttling and 5xx are retried with backoff); default 5. */
  maxAttempts?: number;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** True for an `s3://` URI. */
export function isS3Uri(uri: string): boolean {
  return uri.startsWith("s3://");
}

/** Parse `s3://bucket[/prefix]`; INVALID_PARAMETER_VALUE naming what is wrong. */
export function parseS3Uri(uri: string): S3Location {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (!m) throw invalidParam(`Invalid S3 URI '${uri}': expected s3://bucket/prefix.`);
  const bucket = m[1] as string;
  if (!BUCKET.test(bucket)) throw invalidParam(`Invalid S3 bucket name '${bucket}' in '${uri}'.`);
  const prefix = (m[2] ?? "").replace(/\/+$/, "");
  if (prefix.split("/").some((s) => s === "." || s === ".."))
    throw invalidParam(`Invalid S3 prefix in '${uri}': no '.' or '..' segments.`);
  return { bucket, prefix };
}

/**
 * Settings from the usual AWS variables: AWS_REGION (or AWS_DEFAULT_REGION), AWS_ENDPOINT_URL_S3,
 * AWS_ENDPOINT_URL or MLflow's MLFLOW_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN; path-style with MODELWORKS_S3_PATH_STYLE=true (default: on when an endpoint is set).
 */
export function s3SettingsFromEnv(env: NodeJS.ProcessEnv): S3Settings {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || env.MLFLOW_S3_ENDPOINT_URL || undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint))
    throw invalidParam(`Invalid S3 endpoint URL '${endpoint}': expected http(s)://host[:port].`);
  const style = env.MODELWORKS_S3_PATH_STYLE;
  if (style !== undefined && style !== "" && style !== "true" && style !== "false")
    throw invalidParam(`Invalid value for MODELWORKS_S3_PATH_STYLE: expected true or false, got '${style}'.`);
  const settings: S3Settings = { forcePathStyle: style ? style === "true" : endpoint !== undefined };
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (region) settings.region = region;
  if (endpoint) settings.endpoint = endpoint;
  if (env.AWS_ACCESS_KEY_ID) settings.accessKeyId = env.AWS_ACCESS_KEY_ID;
  if (env.AWS_SECRET_ACCESS_KEY) settings.secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (env.AWS_SESSION_TOKEN) settings.sessionToken = env.AWS_SESSION_TOKEN;
  return settings;
}

/** An SDK client for these settings (standard retry mode: throttling and 5xx back off and retry). */
export function s3Client(settings: S3Settings): S3Client {
  const { accessKeyId, secretAccessKey, sessionToken } = settings;
  return new S3Client({
    region: settings.region ?? "us-east-1",
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle ?? false,
    maxAttempts: settings.maxAttempts ?? 5,
    retryMode: "standard",
    ...(accessKeyId && secretAccessKey
      ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } }
      : {}),
  });
}
