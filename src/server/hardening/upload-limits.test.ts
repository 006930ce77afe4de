/** Upload limits through a listening app: a default exists, declared and streamed oversize bodies get 413, nothing stays. */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../core/config.js";
import { buildApp } from "../app.js";
import { AUTH_OFF } from "../auth/auth-gate.js";
import type { Platform } from "../open-platform.js";
import { openPlatform } from "../open-platform.js";
import { DEFAULT_MAX_UPLOAD_BYTES } from "./app-hardening.js";
import type { RawAnswer } from "./test-support/raw-request.js";
import { openRequest } from "./test-support/raw-request.js";

let home: string;
let platform: Platform;
const apps: FastifyInstance[] = [];

async function listening(maxUploadBytes?: number): Promise<number> {
  const app = await buildApp({
    ...platform,
    auth: AUTH_OFF,
    version: "test",
    ...(maxUploadBytes ? { maxUploadBytes } : {}),
  });
  apps.push(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  return (app.server.address() as AddressInfo).port;
}

/** Files (not folders) under `dir`, recursively; none when it does not exist. */
function files(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

before(async () => {
  home = mkdtempSync(join(tmpdir(), "mw-upload-limit-"));
  platform = await openPlatform(resolveConfig({ home }, {}, home));
});
after(async () => {
  for (const app of apps) await app.close();
  await platform.close();
  rmSync(home, { recursive: true, force: true });
});

const ARTIFACT = "/api/2.0/mlflow-artifacts/artifacts/0/limits/artifacts/big.bin";
const DATASET = "/api/modelworks/v1/datasets?name=big";

test("by default uploads are limited (2 GiB): a declared larger body is refused before it is sent", async () => {
  assert.equal(DEFAULT_MAX_UPLOAD_BYTES, 2 * 1024 ** 3);
  const port = await listening();
  for (const [method, path, type] of [
    ["PUT", ARTIFACT, "application/octet-stream"],
    ["POST", DATASET, "text/csv"],
  ] as const) {
    const { req, answer } = openRequest(port, {
      method,
      path,
      headers: { "content-type": type, "content-length": DEFAULT_MAX_UPLOAD_BYTES + 1 },
    });
    req.flushHeaders();
    const r = await answer;
    req.destroy();
    assert.equal(r.status, 413, `${method} ${path}: ${r.text}`);
    assert.equal(r.json?.error_code, "PAYLOAD_TOO_LARGE");
    assert.match(String(r.json?.message), /--max-upload-bytes/);
  }
});

test("a streamed (chunked) upload over the limit gets 413 and leaves no file behind", async () => {
  const port = await listening(1000);
  const send = (method: string, path: string, type: string): Promise<RawAnswer> => {
    const { req, answer } = openRequest(port, { method, path, headers: { "content-type": type } });
    // No Content-Length: only the stores' byte counting can stop it.
    for (let i = 0; i < 10; i++) req.write(`${"x".repeat(499)}\n`);
    req.end();
    return answer;
  };
  const artifact = await send("PUT", ARTIFACT, "application/octet-stream");
  assert.equal(artifact.status, 413, artifact.text);
  assert.equal(artifact.json?.error_code, "PAYLOAD_TOO_LARGE");
  const dataset = await send("POST", DATASET, "text/csv");
  assert.equal(dataset.status, 413, dataset.text);
  assert.deepEqual(files(join(home, "artifacts")), []);
  assert.deepEqual(files(join(home, "objects")), []);
  assert.deepEqual(await platform.datasets.store.listDatasets(), []);
  // Within the limit both go through.
  const small = openRequest(port, { method: "PUT", path: ARTIFACT, headers: { "content-type": "text/csv" } });
  small.req.end("a,b\n1,2\n");
  assert.equal((await small.answer).status, 200);
  assert.deepEqual(files(join(home, "artifacts")), ["big.bin"]);
});
