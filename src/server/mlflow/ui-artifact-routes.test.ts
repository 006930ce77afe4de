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

test("artifacts a browser would run are sandboxed and downloaded; images and text stay inline but sandboxed", async () => {
  const run = await platform.tracking.createRun({ experimentId: "0" });
  const id = run.info.run_id;
  const files: Record<string, string> = {
    "evil.svg":
      '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/api/2.0/mlflow/registered-models/alias")</script></svg>',
    "report.html": "<html><body><script>alert(document.domain)</script><p>report</p></body></html>",
    "page.xhtml": '<html xmlns="http://www.w3.org/1999/xhtml"><script>1</script></html>',
    "feed.xml": "<?xml version='1.0'?><x/>",
    "run.js": "alert(1)",
    "plot.png": "\x89PNG\r\n",
    "notes.txt": "plain",
    "résumé.txt": "accents",
  };
  const base = `/api/2.0/mlflow-artifacts/artifacts/0/${id}/artifacts`;
  for (const [name, body] of Object.entries(files)) {
    const put = await app.inject({
      method: "PUT",
      url: `${base}/${encodeURIComponent(name)}`,
      payload: body,
      headers: { "content-type": "application/octet-stream" },
    });
    assert.equal(put.statusCode, 200, name);
  }
  await platform.registry.createRegisteredModel({ name: "art" });
  await platform.registry.createModelVersion({ name: "art", source: `mlflow-artifacts:/0/${id}/artifacts`, runId: id });
  for (const [name, body] of Object.entries(files)) {
    const q = encodeURIComponent(name);
    for (const url of [
      `/get-artifact?run_id=${id}&path=${q}`,
      `/model-versions/get-artifact?name=art&version=1&path=${q}`,
      `${base}/${q}`,
    ]) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 200, url);
      assert.equal(r.body, body, url);
      const csp = String(r.headers["content-security-policy"]);
      assert.match(csp, /^default-src 'none'; sandbox\b/, url);
      assert.doesNotMatch(csp, /script-src|unsafe/, url);
      assert.equal(r.headers["x-content-type-options"], "nosniff", url);
      const disposition = String(r.headers["content-disposition"]);
      const active = /\.(svg|html|xhtml|xml|js)$/.test(name);
      const proxied = url.startsWith(base);
      assert.match(disposition, active || proxied ? /^attachment;/ : /^inline;/, `${url}: ${disposition}`);
    }
  }
  const svg = await app.inject({ url: `/get-artifact?run_id=${id}&path=evil.svg` });
  assert.equal(svg.headers["content-type"], "image/svg+xml", "an <img> preview still renders it");
  const html = await app.inject({ url: `/get-artifact?run_id=${id}&path=report.html` });
  assert.match(String(html.headers["content-type"]), /^text\/html/, "the UI reads it as text for its sandboxed frame");
  const accented = await app.inject({ url: `/get-artifact?run_id=${id}&path=${encodeURIComponent("résumé.txt")}` });
  assert.equal(
    accented.headers["content-disposition"],
    `inline; filename="r_sum_.txt"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt`,
  );
});
