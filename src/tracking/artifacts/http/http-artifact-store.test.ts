import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../../core/config.js";
import { MwError } from "../../../core/errors.js";
import { buildApp } from "../../../server/app.js";
import { AUTH_OFF } from "../../../server/auth/auth-gate.js";
import type { Platform } from "../../../server/open-platform.js";
import { openPlatform } from "../../../server/open-platform.js";
import { HttpArtifactStore } from "./http-artifact-store.js";

let home: string;
let platform: Platform;
let app: FastifyInstance;
let store: HttpArtifactStore;

before(async () => {
  home = mkdtempSync(join(tmpdir(), "mw-http-art-"));
  platform = await openPlatform(resolveConfig({ home }, {}, home));
  app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
  store = new HttpArtifactStore(await app.listen({ host: "127.0.0.1", port: 0 }));
});
after(async () => {
  await app.close();
  await platform.close();
  rmSync(home, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

test("put, get, list, stat and delete through the proxied artifact API", async () => {
  const big = Buffer.alloc(3 * 1024 * 1024, 7);
  const put = await store.put(
    "0/run/artifacts/model/weights.bin",
    Readable.from([big.subarray(0, 1e6), big.subarray(1e6)]),
  );
  assert.equal(put.size, big.length);
  const { stream, size } = await store.get("0/run/artifacts/model/weights.bin");
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  assert.equal(size, big.length);
  assert.equal(sha(Buffer.concat(chunks)), sha(big));
  assert.deepEqual(await store.list("0/run/artifacts"), [{ path: "model", is_dir: true }]);
  assert.deepEqual(await store.stat("0/run/artifacts/model/weights.bin"), { is_dir: false, size: big.length });
  await store.delete("0/run/artifacts/model");
  assert.equal(await store.stat("0/run/artifacts/model/weights.bin"), undefined);
  await assert.rejects(
    store.get("0/run/artifacts/nope"),
    (e) => e instanceof MwError && e.code === "RESOURCE_DOES_NOT_EXIST",
  );
  await assert.rejects(store.get("../etc/passwd"), (e) => e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE");
});
