import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, test } from "node:test";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { stopTestS3, testBucket } from "../../../core/s3/test-support/s3-test-server.js";
import { objectStoreContract } from "../test-support/object-store-contract.js";
import { S3ObjectStore } from "./s3-object-store.js";

const staging = mkdtempSync(join(tmpdir(), "mw-s3-staging-"));
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers) await c();
  await stopTestS3();
  rmSync(staging, { recursive: true, force: true });
});

async function fresh(prefix = "objects") {
  const b = await testBucket();
  closers.push(b.close);
  return { ...b, store: new S3ObjectStore(b.client, { bucket: b.bucket, prefix }, staging) };
}

objectStoreContract("S3", async () => (await fresh()).store);

test("objects live at prefix/sha256/ab/cdef...; staging is emptied after commit", async () => {
  const { client, bucket, store } = await fresh("team/objects");
  const { digest } = await store.put(Readable.from([Buffer.from("a,b\n")]));
  const key = `team/objects/sha256/${digest.slice(0, 2)}/${digest.slice(2)}`;
  assert.equal(store.uri(digest), `s3://${bucket}/${key}`);
  assert.equal((await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).ContentLength, 4);
  assert.deepEqual(readdirSync(join(staging, "tmp")), []);
});
