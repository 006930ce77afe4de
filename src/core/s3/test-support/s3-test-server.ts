/**
 * An S3-compatible server for tests: the one `.ci/run` starts (MODELWORKS_TEST_S3_ENDPOINT), else
 * npm's s3rver in this process on a free loopback port. Each call gets its own bucket.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import type { S3Settings } from "../s3-location.js";
import { s3Client } from "../s3-location.js";

// The SDK's "Node 22 from 2027" notice on every test process says nothing here (the SDK is pinned).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** s3rver's fixed credentials (it checks signatures against them). */
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export interface TestBucket {
  client: S3Client;
  settings: S3Settings;
  bucket: string;
  close(): Promise<void>;
}

interface Running {
  endpoint: string;
  stop(): Promise<void>;
}

let shared: Promise<Running> | undefined;

/**
 * s3rver in a child process: it signs continuation tokens with DES, which Node's OpenSSL 3 only
 * offers with --openssl-legacy-provider (a flag the platform's own process must not need).
 */
async function startLocal(): Promise<Running> {
  const dir = await mkdtemp(join(tmpdir(), "mw-s3rver-"));
  const script = fileURLToPath(new URL("../../../../scripts/ci/s3-server.mjs", import.meta.url));
  // Its stdin is a pipe from us: when this process ends the pipe closes and the server stops too
  // (an orphan holding our stderr would keep a parent waiting on our output forever).
  const child = spawn(process.execPath, ["--openssl-legacy-provider", script, dir, "0", "--exit-with-stdin"], {
    stdio: ["pipe", "pipe", "ignore"],
  });
  const [line] = (await once(createInterface({ input: child.stdout as Readable }), "line")) as [string];
  child.unref();
  for (const s of [child.stdin, child.stdout]) (s as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    endpoint: line.trim(),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, "exit");
        // Held until it is gone (it was unref'd so that it never keeps a test process alive).
        child.ref();
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh, empty bucket on the test server (the server lives until the process ends). */
export async function testBucket(): Promise<TestBucket> {
  const fromEnv = process.env.MODELWORKS_TEST_S3_ENDPOINT;
  shared ??= fromEnv ? Promise.resolve({ endpoint: fromEnv, stop: async () => {} }) : startLocal();
  return bucketOn((await shared).endpoint);
}

/**
 * A server of the caller's own with one bucket, for tests of an outage: `stop` ends the server
 * (the bucket's client is left to the caller's requests, which then fail to connect).
 */
export async function ownTestBucket(): Promise<TestBucket & { stop(): Promise<void> }> {
  const server = await startLocal();
  const b = await bucketOn(server.endpoint);
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= server.stop());
  return {
    ...b,
    stop,
    close: async () => {
      b.client.destroy();
      await stop();
    },
  };
}

async function bucketOn(endpoint: string): Promise<TestBucket> {
  const settings: S3Settings = { endpoint, forcePathStyle: true, region: "us-east-1", ...CREDENTIALS, maxAttempts: 2 };
  const client = s3Client(settings);
  const bucket = `mw-test-${randomBytes(6).toString("hex")}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return { client, settings, bucket, close: async () => client.destroy() };
}

/** Stop the in-process server, if this process started one (call from a top-level `after`). */
export async function stopTestS3(): Promise<void> {
  const s = shared;
  shared = undefined;
  if (s) await (await s).stop();
}
