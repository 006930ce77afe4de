import assert from "node:assert/strict";
import { after, test } from "node:test";
import { ByteCounter } from "../fs/byte-counter.js";
import { uploadStream } from "./s3-objects.js";
import { stopTestS3, testBucket } from "./test-support/s3-test-server.js";

after(stopTestS3);

test("a multipart upload the server refuses fails with the server's reason, not the aborted source's", async () => {
  const b = await testBucket();
  try {
    // 20 MiB: multipart, so the source is still being read when the first part is refused.
    async function* body() {
      for (let i = 0; i < 20; i++) yield Buffer.alloc(1024 * 1024, i);
    }
    await assert.rejects(
      uploadStream(b.client, `${b.bucket}-missing`, "big.bin", body(), new ByteCounter(Number.POSITIVE_INFINITY)),
      (e: Error) => {
        assert.match(e.message, /bucket does not exist/);
        return true;
      },
    );
  } finally {
    await b.close();
  }
});

test("a source that fails keeps its own error", async () => {
  const b = await testBucket();
  try {
    async function* body() {
      yield Buffer.alloc(1024, 1);
      throw new Error("client went away");
    }
    await assert.rejects(
      uploadStream(b.client, b.bucket, "k.bin", body(), new ByteCounter(Number.POSITIVE_INFINITY)),
      /client went away/,
    );
  } finally {
    await b.close();
  }
});
