import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { after, test } from "node:test";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { stopTestS3, testBucket } from "../../../core/s3/test-support/s3-test-server.js";
import { artifactStoreContract } from "../test-support/artifact-store-contract.js";
import { S3ArtifactStore } from "./s3-artifact-store.js";

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers) await c();
  await stopTestS3();
});

async function fresh(prefix = "mlruns/artifacts") {
  const b = await testBucket();
  closers.push(b.close);
  return { ...b, store: new S3ArtifactStore(b.client, { bucket: b.bucket, prefix }, 7) };
}

artifactStoreContract("S3 with a prefix", async () => (await fresh()).store);
artifactStoreContract("S3 at the bucket root", async () => (await fresh("")).store);

test("keys live under the prefix; a sibling prefix sharing its start is not part of the store", async () => {
  const { client, bucket, store } = await fresh("team/a");
  await store.put("1/r/artifacts/model/MLmodel", Readable.from([Buffer.from("flavors: {}")]));
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: "team/ab/outside.txt", Body: "not ours" }));
  assert.deepEqual(await store.list("1/r/artifacts"), [{ path: "model", is_dir: true }]);
  assert.deepEqual(await store.list(""), [{ path: "1", is_dir: true }]);
  assert.deepEqual(await store.stat("1/r/artifacts/model/MLmodel"), { is_dir: false, size: 11 });
  await store.delete("1");
  assert.equal(
    (await client.send(new GetObjectCommand({ Bucket: bucket, Key: "team/ab/outside.txt" }))).ContentLength,
    8,
  );
  assert.equal(await store.stat("1"), undefined);
});
