/**
 * Serves the built web UI (`dist/web`, from `web/` by Vite) at `/`; the UI routes by URL hash.
 * The build writes brotli (`.br`) and gzip (`.gz`) copies next to each text file; they are sent
 * when the browser's Accept-Encoding takes them, so nothing is compressed per request.
 */

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { access } from "../core/api/access.js";

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".map": "application/json",
  ".json": "application/json",
};

/** Extensions the build precompresses (web/vite.config.ts); others are always sent as they are. */
const PRECOMPRESSED = new Set([".js", ".css", ".html", ".svg", ".json"]);

/** A content coding we have files for, and the suffix of those files. */
export type Encoding = "br" | "gzip";
const SUFFIX: Record<Encoding, string> = { br: ".br", gzip: ".gz" };

// Everything the UI loads comes from this server; artifacts previews may embed images and HTML reports.
// No other site may frame the UI (clickjacking its buttons).
const CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

const NO_ASSET = { error_code: "RESOURCE_DOES_NOT_EXIST" };

/** The folder Vite builds into: `dist/web` under the package root (found from this file's location). */
export function defaultWebRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "dist", "web");
    const up = dirname(dir);
    if (up === dir) return join(process.cwd(), "dist", "web");
    dir = up;
  }
}

/**
 * The codings of ours an Accept-Encoding header allows, best first: by q-value, brotli before gzip
 * on a tie (smaller). `q=0` refuses a coding; `*` stands for any coding not named.
 */
export function acceptedEncodings(header: string | string[] | undefined): Encoding[] {
  const weights = new Map<string, number>();
  for (const part of (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) q = Number(m[1]);
    }
    weights.set(name.trim(), Number.isFinite(q) ? q : 0);
  }
  const weight = (e: Encoding) =>
    weights.get(e) ?? (e === "gzip" ? weights.get("x-gzip") : undefined) ?? weights.get("*") ?? 0;
  return (["br", "gzip"] as const).filter((e) => weight(e) > 0).sort((a, b) => weight(b) - weight(a));
}

/** Mount `GET /` (index.html) and `GET /assets/*` (hashed, immutable) from `webRoot`. */
export function webUiRoutes(app: FastifyInstance, webRoot: string): void {
  const root = resolve(webRoot);
  const assets = join(root, "assets");
  const indexPath = join(root, "index.html");
  app.get("/", { config: { access: access.public } }, async (req, reply) => {
    const sent = await sendFile(req, reply, indexPath, {
      // index.html names the hashed assets of the current build: always revalidate it.
      "cache-control": "no-cache",
      "content-security-policy": CSP,
      "x-frame-options": "DENY",
    });
    if (sent) return sent;
    return reply
      .code(503)
      .type("text/plain; charset=utf-8")
      .send(`The web UI is not built (no ${indexPath}). Run \`npm run build\` in the Modelworks checkout.`);
  });
  app.get("/assets/*", { config: { access: access.public } }, async (req, reply) => {
    const rest = (req.params as { "*": string })["*"];
    const file = resolve(assets, rest);
    if (!file.startsWith(assets + sep)) return reply.code(404).send({ ...NO_ASSET, message: "No such asset." });
    // Asset names carry a content hash, so a browser may keep them for good.
    const sent = await sendFile(req, reply, file, { "cache-control": "public, max-age=31536000, immutable" });
    return sent ?? reply.code(404).send({ ...NO_ASSET, message: `No asset '${rest}'.` });
  });
}

/**
 * Send `file`, or its precompressed copy the client accepts, with `headers`; undefined when neither
 * exists (the caller answers). The type is the original file's whatever the coding.
 */
async function sendFile(
  req: FastifyRequest,
  reply: FastifyReply,
  file: string,
  headers: Record<string, string>,
): Promise<FastifyReply | undefined> {
  const ext = extname(file);
  const compressible = PRECOMPRESSED.has(ext);
  let encoding: Encoding | undefined;
  let body: Buffer | undefined;
  if (compressible) {
    for (const e of acceptedEncodings(req.headers["accept-encoding"])) {
      body = await readIfFile(file + SUFFIX[e]);
      if (body) {
        encoding = e;
        break;
      }
    }
  }
  body ??= await readIfFile(file);
  if (!body) return undefined;
  reply
    .type(TYPES[ext] ?? "application/octet-stream")
    .headers(headers)
    .header("x-content-type-options", "nosniff");
  // Caches must key compressible files on Accept-Encoding even when this answer is plain.
  if (compressible) reply.header("vary", "accept-encoding");
  if (encoding) reply.header("content-encoding", encoding);
  return reply.send(body);
}

/** The file's bytes, or undefined when it is missing or not a regular file. */
async function readIfFile(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}
