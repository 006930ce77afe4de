/**
 * MLflow's large-file path on an S3 artifact store: server-info says multipart is on, the client
 * PUTs parts straight to presigned URLs, the server assembles them; presigned downloads likewise.
 * A folder store answers 501 and server-info says off, so clients fall back to plain PUTs.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { Harness } from "./support/harness.js";
import { startHarness, startS3Harness } from "./support/harness.js";

const json = (payload: unknown) => ({
  payload: JSON.stringify(payload),
  headers: { "content-type": "application/json" },
});

describe("direct transfers on S3", () => {
  let h: Harness;
  before(async () => {
    h = await startS3Harness();
  });
  after(() => h.close());

  test("server-info, mpu/create → PUT parts to presigned URLs → mpu/complete, then proxied and presigned GETs", async () => {
    const info = await h.app.inject({ method: "GET", url: "/api/3.0/mlflow/server-info" });
    assert.deepEqual(info.json(), { multipart_uploads_enabled: true, multipart_downloads_enabled: true });
    const path = "0/run1/artifacts/model/model.pkl";
    const parts = [Buffer.alloc(5 * 1024 * 1024, 7), Buffer.from("tail of the model")];
    const created = await h.app.inject({
      method: "POST",
      url: `/api/2.0/mlflow-artifacts/mpu/create/${path}`,
      ...json({ path, num_parts: 2 }),
    });
    assert.equal(created.statusCode, 200, created.body);
    const { upload_id, credentials } = created.json() as {
      upload_id: string;
      credentials: { part_number: number; url: string; headers: Record<string, string> }[];
    };
    assert.deepEqual(
      credentials.map((c) => c.part_number),
      [1, 2],
    );
    const etags: { part_number: number; etag: string }[] = [];
    for (const c of credentials) {
      const res = await fetch(c.url, { method: "PUT", body: parts[c.part_number - 1], headers: c.headers });
      assert.equal(res.status, 200, await res.text());
      etags.push({ part_number: c.part_number, etag: res.headers.get("etag") as string });
    }
    const done = await h.app.inject({
      method: "POST",
      url: `/api/2.0/mlflow-artifacts/mpu/complete/${path}`,
      ...json({ path, upload_id, parts: etags }),
    });
    assert.equal(done.statusCode, 200, done.body);
    const whole = Buffer.concat(parts);
    const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
    const proxied = await h.app.inject({ method: "GET", url: `/api/2.0/mlflow-artifacts/artifacts/${path}` });
    assert.equal(sha(proxied.rawPayload), sha(whole));
    const signed = await h.app.inject({ method: "GET", url: `/api/2.0/mlflow-artifacts/presigned/${path}` });
    const { url, file_size } = signed.json() as { url: string; file_size: number };
    assert.equal(file_size, whole.length);
    assert.equal(sha(Buffer.from(await (await fetch(url)).arrayBuffer())), sha(whole));
  });

  // s3rver answers AbortMultipartUpload with 501 NotImplemented, so abort itself is not exercised here.
  test("bad bodies and traversal are refused with the field named", async () => {
    const path = "0/run1/artifacts/big.bin";
    const created = await h.app.inject({
      method: "POST",
      url: `/api/2.0/mlflow-artifacts/mpu/create/${path}`,
      ...json({ path, num_parts: 1 }),
    });
    const { upload_id } = created.json() as { upload_id: string };
    for (const [op, body, field] of [
      ["create", { path, num_parts: 0 }, "num_parts"],
      ["create", { path, num_parts: "2" }, "num_parts"],
      ["complete", { path, upload_id, parts: [] }, "parts"],
      ["complete", { path, upload_id, parts: [{ part_number: 1 }] }, "etag"],
      ["complete", { path, parts: [{ part_number: 1, etag: "x" }] }, "upload_id"],
      ["abort", { path }, "upload_id"],
    ] as const) {
      const res = await h.app.inject({
        method: "POST",
        url: `/api/2.0/mlflow-artifacts/mpu/${op}/${path}`,
        ...json(body),
      });
      assert.equal(res.statusCode, 400, `${op} ${JSON.stringify(body)}: ${res.body}`);
      assert.match(res.json().message, new RegExp(field));
    }
    const malformed = await h.app.inject({
      method: "POST",
      url: `/api/2.0/mlflow-artifacts/mpu/create/${path}`,
      payload: "{not json",
      headers: { "content-type": "application/json" },
    });
    assert.equal(malformed.statusCode, 400);
    const escape = await h.app.inject({
      method: "POST",
      url: "/api/2.0/mlflow-artifacts/mpu/create/0/..%2F..%2Fetc/passwd",
      ...json({ num_parts: 1 }),
    });
    assert.equal(escape.statusCode, 400);
    const missing = await h.app.inject({ method: "GET", url: "/api/2.0/mlflow-artifacts/presigned/0/none.bin" });
    assert.equal(missing.statusCode, 404);
  });
});

describe("direct transfers on a folder store", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test("server-info says off; mpu and presigned answer 501 NOT_IMPLEMENTED", async () => {
    const info = await h.app.inject({ method: "GET", url: "/api/3.0/mlflow/server-info" });
    assert.deepEqual(info.json(), { multipart_uploads_enabled: false, multipart_downloads_enabled: false });
    const res = await h.app.inject({
      method: "POST",
      url: "/api/2.0/mlflow-artifacts/mpu/create/0/r/artifacts/x",
      ...json({ num_parts: 1 }),
    });
    assert.equal(res.statusCode, 501);
    assert.equal(res.json().error_code, "NOT_IMPLEMENTED");
    const signed = await h.app.inject({ method: "GET", url: "/api/2.0/mlflow-artifacts/presigned/0/r/artifacts/x" });
    assert.equal(signed.statusCode, 501);
  });
});
