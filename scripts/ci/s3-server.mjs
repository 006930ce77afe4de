#!/usr/bin/env -S node --openssl-legacy-provider
// A local S3-compatible server (npm s3rver) on loopback for tests:
//   node --openssl-legacy-provider scripts/ci/s3-server.mjs DIR PORT [--exit-with-stdin]
// prints the endpoint URL once listening.
// s3rver signs continuation tokens with DES, hence the legacy OpenSSL provider. Its credentials are
// S3RVER / S3RVER.
import S3rver from "s3rver";
import FilesystemStore from "s3rver/lib/stores/filesystem.js";

// s3rver's delimited listing skips folders nested two or more levels below the prefix (it never walks
// them), so `a/` is missing from a listing of `` when only `a/b/c` exists. Delimited listings are
// grouped here from the full listing instead, on one page (real S3 pages them; paging itself is
// exercised by undelimited listings).
const list = FilesystemStore.prototype.listObjects;
FilesystemStore.prototype.listObjects = async function listObjects(bucket, options) {
  const { delimiter = "", prefix = "", startAfter = "" } = options;
  if (!delimiter) return list.call(this, bucket, options);
  const all = await list.call(this, bucket, { prefix, startAfter });
  const commonPrefixes = new Set();
  const objects = [];
  for (const o of all.objects) {
    const idx = o.key.slice(prefix.length).indexOf(delimiter);
    if (idx === -1) objects.push(o);
    else commonPrefixes.add(o.key.slice(0, prefix.length + idx + delimiter.length));
  }
  return { objects, commonPrefixes: [...commonPrefixes].sort(), isTruncated: false };
};

const [dir, port, flag] = process.argv.slice(2);
if (!dir || !port) {
  console.error("usage: s3-server.mjs DIR PORT");
  process.exit(2);
}
const server = new S3rver({ address: "127.0.0.1", port: Number(port), directory: dir, silent: true });
const { port: bound } = await server.run();
console.log(`http://127.0.0.1:${bound}`);
const stop = () => server.close().then(() => process.exit(0));
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, stop);
// Tests start it with a pipe on stdin: the parent's exit closes it, and the server goes with it.
if (flag === "--exit-with-stdin") {
  process.stdin.on("end", stop);
  process.stdin.resume();
}
