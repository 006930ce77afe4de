/** Vite build of the web UI into dist/web, served by `modelworks server` and `modelworks up` at `/`. */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
// `npm run web:dev` proxies the API to a running `modelworks up` (MODELWORKS_API, default port 5000).
const api = process.env.MODELWORKS_API ?? "http://127.0.0.1:5000";

/** Text assets worth compressing; the server picks `<file>.br` or `<file>.gz` by Accept-Encoding. */
const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

/** Writes `.br` (brotli, quality 11) and `.gz` (gzip -9) next to each text file of the build, once, at build time. */
function precompress(): Plugin {
  let outDir = "";
  return {
    name: "modelworks-precompress",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      for (const file of walk(outDir)) {
        if (!COMPRESSIBLE.test(file)) continue;
        const body = readFileSync(file);
        const br = brotliCompressSync(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        });
        writeFileSync(`${file}.br`, br);
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

/** Every file under `dir`, recursively. */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export default defineConfig({
  root,
  base: "./",
  plugins: [react(), precompress()],
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { "/api": api, "/ajax-api": api, "/get-artifact": api, "/model-versions": api },
  },
});
