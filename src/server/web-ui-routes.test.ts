import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../core/config.js";
import { buildApp } from "./app.js";
import { AUTH_OFF } from "./auth/auth-gate.js";
import type { Platform } from "./open-platform.js";
import { openPlatform } from "./open-platform.js";
import { acceptedEncodings } from "./web-ui-routes.js";

const INDEX = '<!doctype html><html><body><div id="root"></div><script type="module" src="./assets/app-1.js"></script>';
const JS = `export const answer = ${JSON.stringify("x".repeat(2000))};\n`;
const CSS = "body { margin: 0 }\n";
const SECRET = "not for the browser";

let dir: string;
let platform: Platform;
let app: FastifyInstance;
let unbuilt: FastifyInstance;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "mw-web-ui-"));
  const web = join(dir, "web");
  mkdirSync(join(web, "assets"), { recursive: true });
  // A fake build: index and a script with both precompressed copies, a stylesheet and an image without.
  writeFileSync(join(web, "index.html"), INDEX);
  writeFileSync(join(web, "index.html.br"), brotliCompressSync(INDEX));
  writeFileSync(join(web, "index.html.gz"), gzipSync(INDEX));
  writeFileSync(join(web, "assets", "app-1.js"), JS);
  writeFileSync(join(web, "assets", "app-1.js.br"), brotliCompressSync(JS));
  writeFileSync(join(web, "assets", "app-1.js.gz"), gzipSync(JS));
  writeFileSync(join(web, "assets", "style-1.css"), CSS);
  writeFileSync(join(web, "assets", "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  writeFileSync(join(web, "secret.txt"), SECRET);
  writeFileSync(join(dir, "outside.txt"), SECRET);
  mkdirSync(join(dir, "empty"));
  platform = await openPlatform(resolveConfig({ home: join(dir, "home") }, {}, join(dir, "home")));
  app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test", webRoot: web });
  unbuilt = await buildApp({ ...platform, auth: AUTH_OFF, version: "test", webRoot: join(dir, "empty") });
});
after(async () => {
  await app.close();
  await unbuilt.close();
  await platform.close();
  rmSync(dir, { recursive: true, force: true });
});

/** GET `url` with an Accept-Encoding header (none when undefined). */
function get(target: FastifyInstance, url: string, acceptEncoding?: string) {
  return target.inject({ url, headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding } });
}

test("Accept-Encoding parsing: q-values, refusals, wildcard, brotli first on a tie", () => {
  assert.deepEqual(acceptedEncodings("gzip, deflate, br, zstd"), ["br", "gzip"]);
  assert.deepEqual(acceptedEncodings("gzip"), ["gzip"]);
  assert.deepEqual(acceptedEncodings("x-gzip"), ["gzip"]);
  assert.deepEqual(acceptedEncodings(undefined), []);
  assert.deepEqual(acceptedEncodings(""), []);
  assert.deepEqual(acceptedEncodings("identity"), []);
  assert.deepEqual(acceptedEncodings("br;q=0, gzip"), ["gzip"]);
  assert.deepEqual(acceptedEncodings("gzip;q=1.0, br;q=0.5"), ["gzip", "br"]);
  assert.deepEqual(acceptedEncodings("*"), ["br", "gzip"]);
  assert.deepEqual(acceptedEncodings("*;q=0.1, gzip;q=0"), ["br"]);
  assert.deepEqual(acceptedEncodings(["gzip", "BR"]), ["br", "gzip"]);
});

test("index.html: brotli, gzip or plain by Accept-Encoding, never cached stale, with CSP and nosniff", async () => {
  for (const [accept, encoding] of [
    ["gzip, deflate, br", "br"],
    ["gzip", "gzip"],
    [undefined, undefined],
    ["identity", undefined],
  ] as const) {
    const r = await get(app, "/", accept);
    assert.equal(r.statusCode, 200, String(accept));
    assert.equal(r.headers["content-encoding"], encoding, String(accept));
    assert.equal(r.headers["content-type"], "text/html; charset=utf-8");
    assert.equal(r.headers.vary, "accept-encoding");
    assert.equal(r.headers["cache-control"], "no-cache");
    assert.match(String(r.headers["content-security-policy"]), /default-src 'self'/);
    assert.equal(r.headers["x-content-type-options"], "nosniff");
    const raw = r.rawPayload;
    const body = encoding === "br" ? brotliDecompressSync(raw) : encoding === "gzip" ? gunzipSync(raw) : raw;
    assert.equal(body.toString(), INDEX);
    assert.equal(Number(r.headers["content-length"]), raw.length);
  }
});

test("assets: the precompressed copy the client takes, immutable, typed by the original file", async () => {
  const cases = [
    ["gzip, deflate, br, zstd", "br"],
    ["br;q=0, gzip", "gzip"],
    ["gzip;q=1, br;q=0.5", "gzip"],
    ["*", "br"],
    [undefined, undefined],
    ["deflate", undefined],
  ] as const;
  for (const [accept, encoding] of cases) {
    const r = await get(app, "/assets/app-1.js", accept);
    assert.equal(r.statusCode, 200, String(accept));
    assert.equal(r.headers["content-encoding"], encoding, String(accept));
    assert.equal(r.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(r.headers.vary, "accept-encoding");
    assert.equal(r.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.equal(r.headers["x-content-type-options"], "nosniff");
    const raw = r.rawPayload;
    const body = encoding === "br" ? brotliDecompressSync(raw) : encoding === "gzip" ? gunzipSync(raw) : raw;
    assert.equal(body.toString(), JS);
    if (encoding) assert.ok(raw.length < JS.length / 4, `${encoding} is smaller (${raw.length} B)`);
  }
  // No precompressed copy: the plain file, still marked as varying.
  const css = await get(app, "/assets/style-1.css", "br, gzip");
  assert.equal(css.statusCode, 200);
  assert.equal(css.headers["content-encoding"], undefined);
  assert.equal(css.headers["content-type"], "text/css; charset=utf-8");
  assert.equal(css.headers.vary, "accept-encoding");
  assert.equal(css.body, CSS);
  // Images are never precompressed: no coding, no vary.
  const png = await get(app, "/assets/logo.png", "br, gzip");
  assert.equal(png.statusCode, 200);
  assert.equal(png.headers["content-type"], "image/png");
  assert.equal(png.headers["content-encoding"], undefined);
  assert.equal(png.headers.vary, undefined);
  // HEAD answers the same headers without the body.
  const head = await app.inject({ method: "HEAD", url: "/assets/app-1.js", headers: { "accept-encoding": "br" } });
  assert.equal(head.statusCode, 200);
  assert.equal(head.headers["content-encoding"], "br");
});

test("assets: missing files and paths out of the assets folder are 404", async () => {
  for (const url of [
    "/assets/nope.js",
    "/assets/",
    "/assets/..%2fsecret.txt",
    "/assets/%2e%2e/secret.txt",
    "/assets/..%2f..%2foutside.txt",
    "/assets/../secret.txt",
    "/assets/..%5csecret.txt",
    "/assets/app-1.js%00.png",
  ]) {
    for (const accept of [undefined, "br, gzip"]) {
      const r = await get(app, url, accept);
      assert.equal(r.statusCode, 404, `${url} → ${r.statusCode}`);
      assert.ok(!r.body.includes(SECRET), url);
    }
  }
});

test("no UI build: / answers 503 saying how to build it", async () => {
  const r = await get(unbuilt, "/", "br, gzip");
  assert.equal(r.statusCode, 503);
  assert.equal(r.headers["content-type"], "text/plain; charset=utf-8");
  assert.match(r.body, /web UI is not built/);
  assert.match(r.body, /npm run build/);
  assert.equal((await get(unbuilt, "/assets/app-1.js")).statusCode, 404);
});
