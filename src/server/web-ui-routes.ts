/** Serves the built web UI (`dist/web`, from `web/` by Vite) at `/`; the UI routes by URL hash. */

import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

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

// Everything the UI loads comes from this server; artifacts previews may embed images and HTML reports.
const CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'";

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

/** Mount `GET /` (index.html) and `GET /assets/*` (hashed, immutable) from `webRoot`. */
export function webUiRoutes(app: FastifyInstance, webRoot: string): void {
  const root = resolve(webRoot);
  const indexPath = join(root, "index.html");
  app.get("/", async (_req, reply) => {
    if (!existsSync(indexPath)) {
      return reply
        .code(503)
        .type("text/plain; charset=utf-8")
        .send(`The web UI is not built (no ${indexPath}). Run \`npm run build\` in the Modelworks checkout.`);
    }
    return reply
      .type(TYPES[".html"] as string)
      .header("cache-control", "no-cache")
      .header("content-security-policy", CSP)
      .header("x-content-type-options", "nosniff")
      .send(readFileSync(indexPath));
  });
  app.get("/assets/*", async (req, reply) => {
    const rest = (req.params as { "*": string })["*"];
    const file = resolve(root, "assets", rest);
    if (!file.startsWith(join(root, "assets") + sep))
      return reply.code(404).send({ error_code: "RESOURCE_DOES_NOT_EXIST", message: "No such asset." });
    try {
      const body = await readFile(file);
      return reply
        .type(TYPES[extname(file)] ?? "application/octet-stream")
        .header("cache-control", "public, max-age=31536000, immutable")
        .header("x-content-type-options", "nosniff")
        .send(body);
    } catch {
      return reply.code(404).send({ error_code: "RESOURCE_DOES_NOT_EXIST", message: `No asset '${rest}'.` });
    }
  });
}
