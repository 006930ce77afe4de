import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../core/config.js";
import { buildApp } from "../app.js";
import { AUTH_OFF } from "../auth/auth-gate.js";
import type { Platform } from "../open-platform.js";
import { openPlatform } from "../open-platform.js";

let home: string;
let platform: Platform;
let app: FastifyInstance;

before(async () => {
  home = mkdtempSync(join(tmpdir(), "mw-ui-art-"));
  platform = await openPlatform(resolveConfig({ home }, {}, home));
  app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
});
after(async () => {
  await app.close();
  await platform.close();
  rmSync(home, { recursive: true, force: true });
});

test("get-artifact serves a run's file and a model version's file; bad input is 4xx", async () => {
  const run = await platform.tracking.createRun({ experimentId: "0" });
  const id = run.info.run_id;
  const put = await app.inject({
    method: "PUT",
    url: `/api/2.0/mlflow-artifacts/artifacts/0/${id}/artifacts/model/MLmodel`,
    payload: "flavors: {}\n",
    headers: { "content-type": "application/octet-stream" },
  });
  assert.equal(put.statusCode, 200);
  const got = await app.inject({ url: `/get-artifact?run_uuid=${id}&path=model/MLmodel` });
  assert.equal(got.statusCode, 200);
  assert.equal(got.body, "flavors: {}\n");
  await platform.registry.createRegisteredModel({ name: "m" });
  await platform.registry.createModelVersion({
    name: "m",
    source: `mlflow-artifacts:/0/${id}/artifacts/model`,
    runId: id,
  });
  const mv = await app.inject({ url: "/model-versions/get-artifact?name=m&version=1&path=MLmodel" });
  assert.equal(mv.statusCode, 200);
  assert.equal(mv.body, "flavors: {}\n");
  for (const url of [
    `/get-artifact?run_uuid=${id}&path=../../../etc/passwd`,
    `/get-artifact?run_uuid=${id}`,
    "/get-artifact?run_uuid=nope&path=x",
    `/get-artifact?run_uuid=${id}&path=missing.txt`,
    "/model-versions/get-artifact?name=m&version=9&path=MLmodel",
  ]) {
    const r = await app.inject({ url });
    assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${url} → ${r.statusCode}`);
    assert.ok(JSON.parse(r.body).error_code, url);
  }
});
