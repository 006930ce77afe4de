/** Vite build of the web UI into dist/web, served by `modelworks server` and `modelworks up` at `/`. */
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run web:dev` proxies the API to a local `modelworks up` (default port 5000).
    proxy: {
      "/api": "http://127.0.0.1:5000",
      "/ajax-api": "http://127.0.0.1:5000",
      "/get-artifact": "http://127.0.0.1:5000",
      "/model-versions": "http://127.0.0.1:5000",
    },
  },
});
